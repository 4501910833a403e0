// Output files are checked before a run: a typo in --heatmap's folder must not cost the hours a full-wafer
// run took, only to fail when the picture is written.
#pragma once
#include <string>

namespace wafer::cli {

// Throws wafer::Error naming the option and the path when `path` cannot be written: its folder does not
// exist or is not writable, it is a folder, or it exists and is not writable. Creates nothing.
void require_writable(const std::string& path, const std::string& option);

// The same for a folder the command writes into (created when missing: its parent must be writable).
void require_writable_folder(const std::string& folder, const std::string& option);

}  // namespace wafer::cli
