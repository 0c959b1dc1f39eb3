#include "serve/trace_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>

#include <fmt/format.h>

#include "model/input_error.h"

namespace pipecheck::serve {

TraceFile::TraceFile(const std::string& directory) {
  fd_ = ::open(directory.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd_ >= 0) return;
  const int tmpfile_error = errno;
  // No O_TMPFILE here (EOPNOTSUPP, EISDIR on old kernels): a random name,
  // created new and unlinked at once. The name only has to be unlikely; the
  // file is never opened by name again.
  std::random_device random;
  for (int attempt = 0; attempt < 16 && fd_ < 0; ++attempt) {
    const std::string path =
        (std::filesystem::path(directory) / fmt::format(".pipecheck-trace-{:08x}{:08x}", random(), random())).string();
    fd_ = ::open(path.c_str(), O_CREAT | O_EXCL | O_NOFOLLOW | O_RDWR | O_CLOEXEC, 0600);
    if (fd_ >= 0) ::unlink(path.c_str());
    if (fd_ < 0 && errno != EEXIST) break;
  }
  if (fd_ < 0) {
    throw InputError(fmt::format("cannot make a file for the session's trace: {}",
                                 std::strerror(errno == EEXIST ? tmpfile_error : errno)),
                     directory);
  }
}

TraceFile::~TraceFile() {
  if (fd_ >= 0) ::close(fd_);
}

void TraceFile::Append(std::string_view bytes) {
  if (!error_.empty()) return;
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t wrote = ::pwrite(fd_, bytes.data() + done, bytes.size() - done, static_cast<off_t>(bytes_ + done));
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote <= 0) {
      error_ = fmt::format("cannot write the trace's file: {}; /trace stops {} bytes in",
                           std::strerror(wrote < 0 ? errno : EIO), bytes_);
      return;
    }
    done += static_cast<std::size_t>(wrote);
  }
  bytes_ += bytes.size();
}

std::string TraceFile::Read(std::uint64_t offset, std::size_t max) const {
  std::string out;
  if (offset >= bytes_) return out;
  out.resize(static_cast<std::size_t>(std::min<std::uint64_t>(max, bytes_ - offset)));
  std::size_t done = 0;
  while (done < out.size()) {
    const ssize_t got = ::pread(fd_, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    done += static_cast<std::size_t>(got);
  }
  out.resize(done);
  return out;
}

}  // namespace pipecheck::serve
