// serve/trace_file.h: a live session's trace, kept on disk.
//
// A session left running for days would otherwise hold every trace event
// in memory (about 2.7 MB a simulated day, more with a client polling). The
// session gives its trace away (sim::Trace::GiveAway) into a TraceFile once
// the monitor has read it, and GET /pipecheck/v1/trace reads it back.
//
// The file has no name: it is created with O_TMPFILE in --record-dir (the
// one directory the operator let serve write), or, where the file system
// has no O_TMPFILE, created with O_EXCL | O_NOFOLLOW under a random name and
// unlinked at once. Either way nothing is left behind when the process ends,
// however it ends; the journal is the session's record, not this file.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace pipecheck::serve {

class TraceFile {
 public:
  // Throws InputError naming `directory` when no file can be made there.
  explicit TraceFile(const std::string& directory);
  ~TraceFile();
  TraceFile(const TraceFile&) = delete;
  TraceFile& operator=(const TraceFile&) = delete;

  // Appends `bytes`. After a failed write the file stops growing and
  // error() says why: what was given away after that is lost to /trace (the
  // trace hash and the journal still have it).
  void Append(std::string_view bytes);
  // Up to `max` bytes from `offset` (fewer at the end of the file).
  std::string Read(std::uint64_t offset, std::size_t max) const;
  std::uint64_t bytes() const { return bytes_; }
  const std::string& error() const { return error_; }

 private:
  int fd_ = -1;
  std::uint64_t bytes_ = 0;
  std::string error_;
};

}  // namespace pipecheck::serve
