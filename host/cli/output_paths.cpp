#include "host/cli/output_paths.h"

#include <unistd.h>

#include <filesystem>

#include "host/model/error.h"

namespace wafer::cli {

namespace fs = std::filesystem;

namespace {

// The deepest existing folder on the way to `p` (what a create_directories would start from).
fs::path existing_ancestor(fs::path p) {
  std::error_code ec;
  while (!p.empty() && !fs::exists(p, ec)) p = p.parent_path();
  return p.empty() ? fs::path(".") : p;
}

void require_folder_writable(const fs::path& folder, const std::string& path, const std::string& option) {
  std::error_code ec;
  if (!fs::is_directory(folder, ec))
    throw Error(option + " " + path + ": " + folder.string() + " is not a folder");
  if (::access(folder.c_str(), W_OK) != 0)
    throw Error(option + " " + path + ": the folder " + folder.string() + " is not writable");
}

}  // namespace

void require_writable(const std::string& path, const std::string& option) {
  const fs::path p(path);
  std::error_code ec;
  if (path.empty()) throw Error(option + ": an empty file name");
  if (fs::is_directory(p, ec)) throw Error(option + " " + path + ": is a folder, not a file");
  if (fs::exists(p, ec)) {
    if (::access(p.c_str(), W_OK) != 0) throw Error(option + " " + path + ": the file is not writable");
    return;
  }
  const fs::path folder = p.has_parent_path() ? p.parent_path() : fs::path(".");
  if (!fs::exists(folder, ec)) throw Error(option + " " + path + ": the folder " + folder.string() + " does not exist");
  require_folder_writable(folder, path, option);
}

void require_writable_folder(const std::string& folder, const std::string& option) {
  std::error_code ec;
  const fs::path f(folder);
  if (fs::exists(f, ec)) {
    require_folder_writable(f, folder, option);
    return;
  }
  require_folder_writable(existing_ancestor(f), folder, option);
}

}  // namespace wafer::cli
