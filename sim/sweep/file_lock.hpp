#pragma once
// One writer per sweep output: an exclusive, non-blocking flock on `<out>.lock`. flock
// locks are released by the kernel when the process dies, however it dies, so a stale lock
// file never blocks a later resume.
#include <filesystem>
#include <string>

namespace tiersim::sweep {

class FileLock {
 public:
  /// Lock `lock_path` (created if missing). InputError if another process holds it;
  /// `output` names what is protected, for the message.
  static FileLock acquire(const std::filesystem::path& lock_path, const std::filesystem::path& output);

  FileLock(FileLock&& other) noexcept;
  FileLock& operator=(FileLock&&) = delete;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  /// Removes the lock file, then releases the lock.
  ~FileLock();

 private:
  FileLock(std::filesystem::path path, int fd) : path_(std::move(path)), fd_(fd) {}
  std::filesystem::path path_;
  int fd_ = -1;
};

}  // namespace tiersim::sweep
