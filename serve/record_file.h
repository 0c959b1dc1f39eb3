// serve/record_file.h: files that `serve` writes because a client asked.
//
// A client names a file (`save {"path": NAME}`); the operator named the one
// directory it may be in (--record-dir). So a name is a plain file name (no
// separator, not "." or "..", no NUL or control character, at most 255
// bytes), and the file is written as a new temporary file in that directory
// (created with O_EXCL | O_NOFOLLOW: never a symlink's target, never a FIFO
// or device) and renamed over the name at the end, so a reader sees the old
// file or the new one, never half of one, and a symlink or FIFO already
// bearing the name is replaced, not followed or opened.
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <string_view>

namespace pipecheck::serve {

// Throws InputError (where: `where`) unless `name` is a plain file name.
void CheckPlainName(std::string_view name, const std::string& where);

// Writes `dir`/`name` as above with what `write` puts on its stream; throws
// InputError naming the file when it cannot (the temporary file is removed).
void WriteFileIn(const std::string& dir, const std::string& name,
                 const std::function<void(std::ostream&)>& write);

// An existing directory as an absolute path; throws InputError (where: `flag`).
std::string CheckDirectory(const std::string& dir, const std::string& flag);

}  // namespace pipecheck::serve
