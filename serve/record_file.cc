#include "serve/record_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <streambuf>

#include <fmt/format.h>

#include "model/input_error.h"

namespace pipecheck::serve {
namespace {

// A stream buffer over a file descriptor, for a file opened with flags that
// std::ofstream cannot ask for.
class FdBuffer : public std::streambuf {
 public:
  explicit FdBuffer(int fd) : fd_(fd) { setp(buffer_.data(), buffer_.data() + buffer_.size()); }
  bool failed() const { return failed_; }
  int sync() override { return Flush() ? 0 : -1; }

 protected:
  int_type overflow(int_type c) override {
    if (!Flush()) return traits_type::eof();
    if (!traits_type::eq_int_type(c, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(c);
      pbump(1);
    }
    return traits_type::not_eof(c);
  }

 private:
  bool Flush() {
    const char* data = pbase();
    std::size_t left = static_cast<std::size_t>(pptr() - pbase());
    while (left > 0 && !failed_) {
      const ssize_t written = ::write(fd_, data, left);
      if (written < 0 && errno == EINTR) continue;
      if (written <= 0) {
        failed_ = true;
        break;
      }
      data += written;
      left -= static_cast<std::size_t>(written);
    }
    setp(buffer_.data(), buffer_.data() + buffer_.size());
    return !failed_;
  }

  int fd_;
  bool failed_ = false;
  std::array<char, 64 * 1024> buffer_{};
};

std::atomic<unsigned> temporary_count{0};

}  // namespace

void CheckPlainName(std::string_view name, const std::string& where) {
  if (name.empty()) throw InputError("the file name is empty", where);
  if (name.size() > 255) throw InputError("the file name is over 255 bytes", where);
  if (name == "." || name == "..") {
    throw InputError(fmt::format("'{}' is not a file name", name), where);
  }
  for (const char c : name) {
    if (c == '/' || c == '\\') {
      throw InputError("a file name without a directory is expected: files are written in --record-dir only",
                       where);
    }
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      throw InputError("the file name has a control character", where);
    }
  }
}

std::string CheckDirectory(const std::string& dir, const std::string& flag) {
  std::error_code error;
  const std::filesystem::path absolute = std::filesystem::absolute(dir.empty() ? "." : dir, error);
  if (error || !std::filesystem::is_directory(absolute, error)) {
    throw InputError(fmt::format("'{}' is not a directory", dir), flag);
  }
  return absolute.lexically_normal().string();
}

void WriteFileIn(const std::string& dir, const std::string& name,
                 const std::function<void(std::ostream&)>& write) {
  const std::string where = (std::filesystem::path(dir) / name).string();
  const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) throw InputError(fmt::format("cannot open the directory: {}", std::strerror(errno)), dir);
  const std::string temporary =
      fmt::format(".{}.tmp-{}-{}", name.substr(0, 200), ::getpid(), temporary_count.fetch_add(1));
  const int fd = ::openat(dir_fd, temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) {
    const int saved = errno;
    ::close(dir_fd);
    throw InputError(fmt::format("cannot create the file: {}", std::strerror(saved)), where);
  }
  bool ok = true;
  {
    FdBuffer buffer(fd);
    std::ostream out(&buffer);
    write(out);
    out.flush();
    ok = out.good() && !buffer.failed();
  }
  ok = ok && ::fsync(fd) == 0;
  ::close(fd);
  // renameat replaces whatever bears the name (a file, a symlink, a FIFO)
  // without opening it or following it; a directory by that name fails.
  ok = ok && ::renameat(dir_fd, temporary.c_str(), dir_fd, name.c_str()) == 0;
  const int saved = errno;
  if (!ok) ::unlinkat(dir_fd, temporary.c_str(), 0);
  ::close(dir_fd);
  if (!ok) throw InputError(fmt::format("cannot write the file: {}", std::strerror(saved)), where);
}

}  // namespace pipecheck::serve
