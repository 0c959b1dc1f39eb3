// graphs/render.h: DOT to SVG through Graphviz `dot`.
//
// Contract:
//  - FindDot() looks for an executable `dot` on PATH; empty when there is
//    none. It is the only place pipecheck reads the environment, and it only
//    decides whether SVG can be drawn, never what a diagram contains.
//  - RenderSvg runs `dot -Tsvg` as a child process (posix_spawn, no shell),
//    feeds it the DOT on stdin and returns its stdout. The same DOT and the
//    same Graphviz version give the same SVG bytes (Graphviz lays out
//    deterministically); nothing here adds a time or a path to the output.
//  - A failure (no `dot`, a non-zero exit) is a value with dot's own words,
//    not an exception.
#pragma once

#include <string>

namespace pipecheck::graphs {

// What the user is told when SVG is asked for and Graphviz is missing.
inline constexpr const char* kDotMissing =
    "Graphviz 'dot' is not installed; install the graphviz package";

std::string FindDot();

struct SvgResult {
  bool ok = false;
  std::string svg;    // When ok.
  std::string error;  // When not: kDotMissing, or what dot printed on stderr.
};

SvgResult RenderSvg(const std::string& dot);

// The SVG without its XML prolog and DOCTYPE, for inlining in an HTML page.
std::string InlineSvg(const std::string& svg);

}  // namespace pipecheck::graphs
