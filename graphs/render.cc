#include "graphs/render.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <string_view>
#include <vector>

extern char** environ;

namespace pipecheck::graphs {

namespace {

// A pipe whose ends close themselves.
struct Pipe {
  int read = -1;
  int write = -1;
  bool Open() {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return false;
    read = fds[0];
    write = fds[1];
    return true;
  }
  static void Close(int& fd) {
    if (fd >= 0) close(fd);
    fd = -1;
  }
  ~Pipe() {
    Close(read);
    Close(write);
  }
};

}  // namespace

std::string FindDot() {
  const char* path = std::getenv("PATH");
  std::string_view rest = path != nullptr ? path : "/usr/bin:/bin";
  while (true) {
    const std::size_t colon = rest.find(':');
    // Built by construction and append: `directory + "/dot"` (and assigning
    // "." to a string) drew a false -Wrestrict from GCC 12 at -O3 (Release).
    const std::string_view directory = rest.substr(0, colon);
    std::string candidate(directory.empty() ? std::string_view(".") : directory);
    candidate += "/dot";
    struct stat info {};
    if (stat(candidate.c_str(), &info) == 0 && S_ISREG(info.st_mode) &&
        access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
    if (colon == std::string_view::npos) return "";
    rest = rest.substr(colon + 1);
  }
}

SvgResult RenderSvg(const std::string& dot) {
  SvgResult result;
  const std::string program = FindDot();
  if (program.empty()) {
    result.error = kDotMissing;
    return result;
  }
  Pipe in, out, err;
  if (!in.Open() || !out.Open() || !err.Open()) {
    result.error = "cannot create a pipe to run dot";
    return result;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in.read, STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out.write, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err.write, STDERR_FILENO);
  std::string arg0 = "dot";
  std::string arg1 = "-Tsvg";
  std::array<char*, 3> argv = {arg0.data(), arg1.data(), nullptr};
  // A dot that exits early must not kill pipecheck with SIGPIPE: the write
  // fails instead, and dot's exit status says why. dot itself gets the
  // default disposition back.
  std::signal(SIGPIPE, SIG_IGN);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF);
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, program.c_str(), &actions, &attributes, argv.data(), environ);
  posix_spawnattr_destroy(&attributes);
  posix_spawn_file_actions_destroy(&actions);
  Pipe::Close(in.read);
  Pipe::Close(out.write);
  Pipe::Close(err.write);
  if (spawned != 0) {
    result.error = kDotMissing;
    return result;
  }

  // Feed stdin and drain stdout and stderr together, so that neither side
  // blocks on a full pipe whatever the sizes.
  std::size_t written = 0;
  std::string error_text;
  std::array<char, 65536> buffer{};
  if (dot.empty()) Pipe::Close(in.write);
  while (out.read >= 0 || err.read >= 0) {
    std::array<pollfd, 3> fds{};
    nfds_t count = 0;
    if (in.write >= 0) fds[count++] = {in.write, POLLOUT, 0};
    if (out.read >= 0) fds[count++] = {out.read, POLLIN, 0};
    if (err.read >= 0) fds[count++] = {err.read, POLLIN, 0};
    if (poll(fds.data(), count, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (nfds_t i = 0; i < count; ++i) {
      if (fds[i].revents == 0) continue;
      if (fds[i].fd == in.write) {
        const ssize_t n = write(in.write, dot.data() + written, dot.size() - written);
        if (n > 0) written += static_cast<std::size_t>(n);
        if (n < 0 || written == dot.size()) Pipe::Close(in.write);
        continue;
      }
      const bool is_out = fds[i].fd == out.read;
      const ssize_t n = read(fds[i].fd, buffer.data(), buffer.size());
      if (n <= 0) {
        Pipe::Close(is_out ? out.read : err.read);
        continue;
      }
      (is_out ? result.svg : error_text).append(buffer.data(), static_cast<std::size_t>(n));
    }
  }
  Pipe::Close(in.write);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    while (!error_text.empty() && (error_text.back() == '\n' || error_text.back() == '\r')) {
      error_text.pop_back();
    }
    result.error = error_text.empty() ? "dot failed" : "dot failed: " + error_text;
    result.svg.clear();
    return result;
  }
  result.ok = true;
  return result;
}

std::string InlineSvg(const std::string& svg) {
  const std::size_t start = svg.find("<svg");
  return start == std::string::npos ? svg : svg.substr(start);
}

}  // namespace pipecheck::graphs
