#include "sim/sweep/file_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "sim/core/error.hpp"

namespace tiersim::sweep {

FileLock FileLock::acquire(const std::filesystem::path& lock_path, const std::filesystem::path& output) {
  // The holder unlinks the lock file when it is done; a process that opened the old file
  // just before that would lock an orphaned inode. So after locking, check that the path
  // still names the inode we locked, and retry if not.
  for (int attempt = 0; attempt < 100; ++attempt) {
    const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
      throw InputError("'" + lock_path.string() + "': cannot create the lock file: " + std::strerror(errno));
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      ::close(fd);
      if (err == EWOULDBLOCK) {
        throw InputError("'" + output.string() + "': another tiersim process is writing this output (it holds '" +
                         lock_path.string() + "'); wait for it to finish or stop it first");
      }
      throw InputError("'" + lock_path.string() + "': cannot lock: " + std::strerror(err));
    }
    struct stat held {};
    struct stat named {};
    if (::fstat(fd, &held) == 0 && ::stat(lock_path.c_str(), &named) == 0 && held.st_ino == named.st_ino &&
        held.st_dev == named.st_dev) {
      return FileLock(lock_path, fd);
    }
    ::close(fd);
  }
  throw InputError("'" + lock_path.string() + "': cannot lock (the lock file keeps changing)");
}

FileLock::FileLock(FileLock&& other) noexcept : path_(std::move(other.path_)), fd_(std::exchange(other.fd_, -1)) {}

FileLock::~FileLock() {
  if (fd_ < 0) return;
  // Unlink while still holding the lock, so nobody can lock this inode in between.
  ::unlink(path_.c_str());
  ::close(fd_);
}

}  // namespace tiersim::sweep
