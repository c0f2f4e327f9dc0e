#include "sim/output/detail/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "sim/core/error.hpp"

namespace tiersim::output::detail {
namespace {

namespace fs = std::filesystem;

/// Makes a rename in `dir` durable; best effort, the data are already safe.
void sync_directory(fs::path dir) {
  if (dir.empty()) dir = ".";
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

fs::path partial_path(const fs::path& path) {
  fs::path partial = path;
  partial += ".partial";
  return partial;
}

void check_new_output(const fs::path& path, bool overwrite) {
  if (path.empty() || !path.has_filename()) {
    throw InputError(quoted(path) + ": output path must name a file");
  }
  const fs::path parent = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  std::error_code ec;
  if (!fs::is_directory(parent, ec)) {
    throw InputError(quoted(path) + ": directory " + quoted(parent) + " does not exist");
  }
  const auto status = fs::status(path, ec);
  if (fs::exists(status)) {
    if (fs::is_directory(status)) throw InputError(quoted(path) + ": is a directory");
    if (!overwrite) throw InputError(quoted(path) + ": already exists (refusing to overwrite it)");
  }
}

void sync_file(hid_t file, const std::string& where) {
  Handle fapl(H5Fget_access_plist(file));
  if (!fapl.valid()) throw_io(where + ": cannot sync");
  if (H5Pget_driver(fapl.get()) != H5FD_SEC2) return;
  void* handle = nullptr;
  if (H5Fget_vfd_handle(file, fapl.get(), &handle) < 0 || handle == nullptr) {
    throw_io(where + ": cannot sync");
  }
  if (::fsync(*static_cast<int*>(handle)) != 0) {
    throw RuntimeFailure(where + ": fsync failed: " + std::strerror(errno));
  }
}

void rename_durably(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::rename(from, to, ec);
  if (ec) {
    throw RuntimeFailure("cannot rename " + quoted(from) + " to " + quoted(to) + ": " + ec.message());
  }
  sync_directory(to.parent_path());
}

}  // namespace tiersim::output::detail
