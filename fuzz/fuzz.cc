#include "fuzz/fuzz.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace pipecheck::fuzz {

void Finding(std::string_view what) {
  std::fprintf(stderr, "finding: %.*s\n", static_cast<int>(what.size()), what.data());
  std::fflush(stderr);
  std::abort();
}

std::string_view Text(Input input) {
  return {reinterpret_cast<const char*>(input.data()), input.size()};
}

MemoryFile::MemoryFile() : fd_(memfd_create("pipecheck-fuzz", MFD_CLOEXEC)) {
  if (fd_ < 0) Finding("memfd_create failed");
  path_ = "/proc/self/fd/" + std::to_string(fd_);
}

MemoryFile::~MemoryFile() { close(fd_); }

void MemoryFile::Write(Input bytes) {
  if (ftruncate(fd_, 0) != 0) Finding("ftruncate failed");
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = pwrite(fd_, bytes.data() + done, bytes.size() - done, static_cast<off_t>(done));
    if (n <= 0) Finding("pwrite failed");
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace pipecheck::fuzz
