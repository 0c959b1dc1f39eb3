// The report library: the documented findings are data that cites the
// spec, a malformed findings file is one input error naming the JSON path,
// both renderers print every finding, files carry SVG only when rendered,
// and the verdicts of the check are printed by their names.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "graphs/graph.h"
#include "model/input_error.h"
#include "report/files.h"
#include "report/findings.h"
#include "report/html.h"
#include "report/markdown.h"
#include "report/report.h"
#include "tests/oracle/spec_files.h"

namespace pipecheck::report {
namespace {

// A key of sources.md: a transition row ("| C15 |") or an open question ("- **Q6.").
bool SourcesDefine(const std::string& sources, const std::string& key) {
  return !key.empty() && (sources.find("| " + key + " |") != std::string::npos ||
                          sources.find("- **" + key + ".") != std::string::npos);
}

std::string ReadFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

TEST(ReportFindings, TheFindingsFileCitesOnlyKeysAndDecisionsTheSpecDefines) {
  const auto spec = oracle::SpecFiles::Read(PIPECHECK_SPEC_DIR, PIPECHECK_SOURCE_DIR);
  const std::string sources = ReadFile(std::string(PIPECHECK_SPEC_DIR) + "/sources.md");
  const std::string lifecycles = ReadFile(std::string(PIPECHECK_SPEC_DIR) + "/lifecycles.md");
  // The reader is not vacuous.
  EXPECT_TRUE(SourcesDefine(sources, "C15"));
  EXPECT_TRUE(SourcesDefine(sources, "Q13"));
  EXPECT_FALSE(SourcesDefine(sources, "C999"));
  EXPECT_FALSE(SourcesDefine(sources, "Q99"));

  const std::vector<DocumentFinding> findings = ReadFindings(DefaultFindingsFile());
  ASSERT_FALSE(findings.empty());
  for (const DocumentFinding& finding : findings) {
    EXPECT_FALSE(finding.sources.empty()) << finding.title;
    for (const std::string& key : finding.sources) {
      EXPECT_TRUE(SourcesDefine(sources, key)) << finding.title << " cites '" << key
                                               << "', which spec/sources.md does not define";
    }
    if (!finding.decision.empty()) {
      EXPECT_TRUE(spec.DefinesDecision(finding.decision)) << finding.title << " cites " << finding.decision;
    }
    if (!finding.lifecycles.empty()) {
      EXPECT_NE(lifecycles.find("\n### " + finding.lifecycles + " "), std::string::npos)
          << finding.title << " cites lifecycles.md " << finding.lifecycles;
    }
  }
}

TEST(ReportFindings, WhereCitesDecisionSectionSourcesAndCheckInThatOrder) {
  DocumentFinding finding{"t", "x", "D2", "1.1", {"C14", "Q5"}, "coverage"};
  EXPECT_EQ(Where(finding), "D2; lifecycles.md 1.1; sources.md C14, Q5; check coverage");
  finding = {"t", "x", "", "", {"Q13"}, ""};
  EXPECT_EQ(Where(finding), "sources.md Q13");
}

// Each malformed file is one InputError whose WHERE names the file and the
// JSON path of the fault.
TEST(ReportFindings, AMalformedFindingsFileIsOneInputErrorNamingTheJsonPath) {
  const std::string ok = R"({"title": "t", "text": "x", "sources": ["Q1"]})";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"format": )", "f.json"},
      {R"([])", "f.json at /"},
      {R"({"findings": [)" + ok + "]}", "f.json at /"},
      {R"({"format": "pipecheck-findings/2", "findings": [)" + ok + "]}", "f.json at /format"},
      {R"({"format": "pipecheck-findings/1", "findings": []})", "f.json at /findings"},
      {R"({"format": "pipecheck-findings/1", "extra": 1, "findings": [)" + ok + "]}", "f.json at /extra"},
      {R"({"format": "pipecheck-findings/1", "findings": [)" + ok +
           R"(, {"title": "t", "text": "x", "sources": ["Q1"], "decisoin": "D5"}]})",
       "f.json at /findings/1/decisoin"},
      {R"({"format": "pipecheck-findings/1", "findings": [{"title": "t", "text": "x"}]})", "f.json at /findings/0"},
      {R"({"format": "pipecheck-findings/1", "findings": [{"title": "t", "text": "x", "sources": []}]})",
       "f.json at /findings/0/sources"},
      {R"({"format": "pipecheck-findings/1", "findings": [{"title": "t", "text": "x", "sources": [7]}]})",
       "f.json at /findings/0/sources/0"},
      {R"({"format": "pipecheck-findings/1", "findings": [{"title": "", "text": "x", "sources": ["Q1"]}]})",
       "f.json at /findings/0/title"},
  };
  for (const auto& [text, where] : cases) {
    try {
      ParseFindings(text, "f.json");
      ADD_FAILURE() << "accepted: " << text;
    } catch (const InputError& error) {
      EXPECT_EQ(error.where(), where) << text << ": " << error.what();
    }
  }
  EXPECT_EQ(ParseFindings(R"({"format": "pipecheck-findings/1", "findings": [)" + ok + "]}", "f.json").size(), 1u);
}

TEST(ReportFindings, AMissingFindingsFileIsAnInputErrorNamingIt) {
  const std::string path = (std::filesystem::temp_directory_path() / "pipecheck-no-such-findings.json").string();
  try {
    ReadFindings(path);
    ADD_FAILURE() << "read a missing file";
  } catch (const InputError& error) {
    EXPECT_EQ(std::string(error.what()), "cannot read the findings file");
    EXPECT_EQ(error.where(), path);
  }
}

// A report with no exploration: two findings, one model with one diagram
// rendered as SVG and one not.
Report SmallReport() {
  Report report;
  report.documented = {AsFinding({"Pause <anywhere>", "The OAS \"says\" so & more.", "D5", "", {"C15", "Q6"}, ""}),
                       AsFinding({"Second", "Another.", "", "", {"Q13"}, ""})};
  report.computed = {{"clickpipe (current): a dead row", "row 3 is never taken.", "check: coverage"}};
  ModelSection section;
  section.stem = "m";
  section.name = "m";
  section.title = "M";
  section.lifecycle = {"m", "Lifecycle", "digraph {}\n", "<svg></svg>"};
  section.faults = {"m-faults", "Faults", "digraph {}\n", "<svg></svg>"};
  section.explored = {"m-explored", "Explored", "digraph {}\n", ""};
  report.models.push_back(section);
  report.diff_diagram = {"diff", "Diff", "digraph {}\n", ""};
  report.diff_faults = {"diff-faults", "Diff faults", "digraph {}\n", ""};
  report.demo.diagram = {"demo", "Demo", "digraph {}\n", ""};
  return report;
}

TEST(ReportRenderers, BothRenderersPrintEveryFindingWithItsCitations) {
  const Report report = SmallReport();
  const std::string markdown = RenderMarkdown(report);
  const std::string html = RenderHtml(report);
  for (const std::vector<Finding>* list : {&report.computed, &report.documented}) {
    for (const Finding& f : *list) {
      EXPECT_NE(markdown.find("- **" + f.title + ".** " + f.text + " (" + f.where + ")\n"), std::string::npos)
          << f.title;
      EXPECT_NE(html.find("<li><b>" + graphs::HtmlEscape(f.title) + ".</b> " + graphs::HtmlEscape(f.text) +
                          " <span class=\"muted\">(" + graphs::HtmlEscape(f.where) + ")</span></li>"),
                std::string::npos)
          << f.title;
    }
  }
  EXPECT_NE(markdown.find("(D5; sources.md C15, Q6)"), std::string::npos);
}

TEST(ReportFiles, EveryDiagramIsWrittenAsDotAndAsSvgOnlyWhenRendered) {
  std::vector<std::string> names;
  for (const File& file : ReportFiles(SmallReport())) names.push_back(file.name);
  const std::vector<std::string> expected = {"m.dot",          "m.svg",    "m-faults.dot",    "m-faults.svg",
                                             "m-explored.dot", "m.md",     "m.json",          "diff.dot",
                                             "diff-faults.dot", "demo.dot", "README.md",      "index.html"};
  EXPECT_EQ(names, expected);
}

TEST(ReportVerdicts, TheVerdictsOfTheCheckArePrintedByTheirNames) {
  using properties::CheckVerdict;
  using properties::Verdict;
  EXPECT_EQ(ToString(CheckVerdict::kPass), "pass");
  EXPECT_EQ(ToString(CheckVerdict::kFail), "fail");
  EXPECT_EQ(ToString(CheckVerdict::kIncomplete), "incomplete");
  EXPECT_EQ(ToString(Verdict::kHolds), "holds");
  EXPECT_EQ(ToString(Verdict::kViolated), "violated");
  EXPECT_EQ(ToString(Verdict::kWitnessed), "witnessed");
  EXPECT_EQ(ToString(Verdict::kUnwitnessed), "unwitnessed");
  EXPECT_EQ(ToString(Verdict::kUnknown), "unknown");
}

TEST(ReportVerdicts, AReportPassesOnlyWhenEveryModelPassesItsCheck) {
  Report report = SmallReport();
  report.models.push_back(report.models.front());
  EXPECT_TRUE(report.passed());
  report.models.back().check.verdict = properties::CheckVerdict::kIncomplete;
  EXPECT_FALSE(report.passed());
}

}  // namespace
}  // namespace pipecheck::report
