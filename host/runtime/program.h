// A program ready to load into a Runtime: its image and the data of its input streams, set by name.
// Input streams are part of the image (the engine feeds them from the start of the run), so their data is
// set here, before Runtime::load.
#pragma once
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "host/image/image.h"

namespace wafer {

class Program {
 public:
  // A text program (assembled with `params`: NAME -> value text) or a binary image (.wimg; no params).
  static Program open(const std::string& path, const std::map<std::string, std::string>& params = {});
  explicit Program(Image image) : image_(std::move(image)) {}

  // Replaces input stream `stream`'s payload; the count the program declared may change. Throws naming the
  // stream and the streams there are, or when the stream has explicit indices and the count differs.
  void set_input(const std::string& stream, std::span<const uint32_t> words);
  void set_input(const std::string& stream, std::span<const float> values);

  const Image& image() const { return image_; }
  Image& image() { return image_; }

 private:
  Image image_;
};

// Index of the input / output stream `name` in image.in_streams / out_streams; throws naming the streams.
uint32_t in_stream_index(const Image& image, const std::string& name);
uint32_t out_stream_index(const Image& image, const std::string& name);

}  // namespace wafer
