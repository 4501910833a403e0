// The random image generator (see random_image.h).
#include "tests/support/random_image.h"

#include <cstring>
#include <vector>

#include "host/image/kernel_builder.h"

namespace wafer::test {

uint32_t Rng::float_bits() {
  const float f = float(int32_t(below(1u << 20)) - (1 << 19)) / float(1 << 18);
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u ^ (uint32_t(next()) & 0xFFu);
}

std::string describe(const RandomImageOptions& o) {
  return std::to_string(o.width) + "x" + std::to_string(o.height) + " seed " + std::to_string(o.seed) +
         (o.wild ? " (wild)" : "");
}

namespace {

// Registers of the generated kernel.
constexpr uint8_t kRPayload = 0, kRIndex = 1;  // data-task arguments
constexpr uint8_t kRCount = 2;                 // wavelets left to send (per row)
constexpr uint8_t kRValue = 3;                 // payload being sent (per column)
constexpr uint8_t kRSeq = 4;                   // index being sent
constexpr uint8_t kRStep = 5;                  // float increment (per row), also the vfmac scalar
constexpr uint8_t kRTmp = 6, kRAcc = 7, kRAddr = 8;
constexpr uint8_t kRMask = 9;                        // 63
constexpr uint8_t kRColRoles = 10, kRRowRoles = 11;  // role bits, see Role
constexpr uint8_t kRTest = 12;
constexpr uint8_t kRNoise = 13;  // per-column integer
constexpr uint8_t kRTmp2 = 14;
constexpr uint8_t kRDone = 15;  // completions seen

constexpr uint32_t kDataWords = 256;
constexpr uint32_t kInColor = 4, kOutColor = 5;

// A flow moves wavelets of one color across the grid in one direction: the source line's cores send, every
// later line forwards and delivers to its core (multicast), the last line only delivers.
struct Flow {
  uint32_t color, dir;
  uint8_t roles_reg;  // kRColRoles for east/west flows, kRRowRoles for south/north
  uint32_t role_bit;
};

uint32_t opposite(uint32_t d) {
  return d ^ 2u;
}

void route_flow(Image& im, const Flow& f) {
  const uint32_t W = im.width, H = im.height;
  const bool horizontal = f.dir == kEast || f.dir == kWest;
  const uint32_t len = horizontal ? W : H;
  auto line = [&](uint32_t k) -> Rect {  // k-th line from the source
    switch (f.dir) {
      case kEast:
        return {k, 0, 1, H};
      case kWest:
        return {W - 1 - k, 0, 1, H};
      case kSouth:
        return {0, k, W, 1};
      default:
        return {0, H - 1 - k, W, 1};
    }
  };
  if (len == 1) {
    im.route(line(0), f.color, kRamp, port_bit(kRamp));  // the core sends to itself
    return;
  }
  im.route(line(0), f.color, kRamp, port_bit(f.dir));
  if (len > 2) {
    const Rect middle = horizontal ? Rect{1, 0, W - 2, H} : Rect{0, 1, W, H - 2};
    im.route(middle, f.color, opposite(f.dir), port_bit(f.dir) | port_bit(kRamp));
  }
  im.route(line(len - 1), f.color, opposite(f.dir), port_bit(kRamp));
}

// Scalar instructions that cannot trap: they keep registers and SRAM words [64, 128) busy.
void safe_filler(KernelBuilder& k, Rng& rng, uint32_t count) {
  for (uint32_t i = 0; i < count; ++i) {
    switch (rng.below(12)) {
      case 0:
        k.fadd(kRAcc, kRAcc, kRValue);
        break;
      case 1:
        k.fmul(kRTmp, kRValue, kRStep);
        break;
      case 2:
        k.fma(kRAcc, kRValue, kRStep);
        break;
      case 3:
        k.add(kRNoise, kRNoise, kRSeq);
        break;
      case 4:
        k.emit(kXor, kRTmp, kRNoise, kRCount);
        break;
      case 5:
        k.emit(kAnd, kRAddr, kRNoise, kRMask);
        k.st(kRAcc, kRAddr, 64);
        break;
      case 6:
        k.emit(kAnd, kRAddr, kRNoise, kRMask);
        k.ld(kRTmp, kRAddr, 64);
        break;
      case 7:
        k.emit(kShl, kRTmp, kRNoise, kRSeq);
        break;
      case 8:
        k.emit(kFmax, kRAcc, kRAcc, kRTmp);
        break;
      case 9:
        k.emit(kFsub, kRTmp2, kRAcc, kRValue);
        break;
      case 10:
        k.mul(kRNoise, kRNoise, kRNoise);
        break;
      default:
        k.nop();
        break;
    }
  }
}

// Anything the image validator accepts: the run decides whether it traps.
void wild_instruction(KernelBuilder& k, Rng& rng, const std::vector<std::string>& labels) {
  const uint8_t a = uint8_t(rng.below(16)), b = uint8_t(rng.below(16)), c = uint8_t(rng.below(16));
  switch (rng.below(10)) {
    case 0:
      k.ld(a, b, int32_t(rng.below(300)));
      break;
    case 1:
      k.st(a, b, int32_t(rng.below(300)));
      break;
    case 2:
      k.send(rng.below(kColors), a, b);
      break;
    case 3:
      k.recv(rng.below(kColors), a, b);
      break;
    case 4:
      (rng.chance(50) ? k.block(rng.below(kTasks)) : k.unblock(rng.below(kTasks)));
      break;
    case 5:
      k.bnez(a, labels[rng.below(uint32_t(labels.size()))]);
      break;
    case 6:
      k.emit(kDset0, uint8_t(rng.below(kDsrs)), 0, 0, int32_t(rng.next()));
      break;
    case 7:
      k.emit(kDset1, uint8_t(rng.below(kDsrs)), 0, 0, int32_t(rng.next()));
      break;
    case 8: {
      static constexpr uint8_t kOps[] = {kVmov, kVfadd, kVfsub, kVfmul, kVfmax, kVfneg, kVfmac, kViadd};
      VecOpts opts;
      opts.async = rng.chance(50);
      opts.scalar_reg = uint8_t(rng.below(16));
      if (opts.async && rng.chance(50)) opts.done_task = 26;
      const VSrc s0 = rng.chance(25) ? VSrc::r(uint8_t(rng.below(16))) : VSrc::d(uint8_t(rng.below(kDsrs)));
      const VSrc s1 = rng.chance(25) ? VSrc::r(uint8_t(rng.below(16))) : VSrc::d(uint8_t(rng.below(kDsrs)));
      k.vec(kOps[rng.below(8)], uint8_t(rng.below(kDsrs)), s0, s1, opts);
      break;
    }
    default:
      k.emit(uint8_t(kLi + rng.below(kLd - kLi)), a, b, c, int32_t(rng.next() % 512));
      break;
  }
}

}  // namespace

Image random_image(const RandomImageOptions& o) {
  Rng rng(o.seed * 0x2545F4914F6CDD1Dull + o.width * 131u + o.height);
  Image im;
  im.width = o.width, im.height = o.height;
  const uint32_t W = o.width, H = o.height;

  // Flows: each direction with probability 3/4, at least one. Role bits say which PEs are sources.
  std::vector<Flow> flows;
  const Flow all[] = {{0, kEast, kRColRoles, 1u},
                      {1, kSouth, kRRowRoles, 1u},
                      {2, kWest, kRColRoles, 2u},
                      {3, kNorth, kRRowRoles, 2u}};
  for (const Flow& f : all) {
    if (rng.chance(75)) flows.push_back(f);
  }
  if (flows.empty()) flows.push_back(all[rng.below(4)]);
  for (const Flow& f : flows) route_flow(im, f);

  // Host streams: one input row (color 4, delivered to every core of the row) and one output row (color 5,
  // sent by the west-most core, forwarded east and off the grid into the stream).
  const bool in_stream = rng.chance(70), out_stream = rng.chance(70);
  const uint32_t in_row = rng.below(H), out_row = rng.below(H);
  if (in_stream) {
    if (W == 1) {
      im.route({0, in_row, 1, 1}, kInColor, kWest, port_bit(kRamp));
    } else {
      im.route({0, in_row, W - 1, 1}, kInColor, kWest, port_bit(kEast) | port_bit(kRamp));
      im.route({W - 1, in_row, 1, 1}, kInColor, kWest, port_bit(kRamp));
    }
    InStream s;
    s.name = "in", s.x = 0, s.y = in_row, s.port = kWest, s.color = kInColor;
    const uint32_t count = rng.below(64);
    for (uint32_t i = 0; i < count; ++i) s.payload.push_back(rng.float_bits());
    im.add_in_stream(s);
  }
  if (out_stream) {
    im.route({0, out_row, 1, 1}, kOutColor, kRamp, port_bit(kEast));
    if (W > 1) im.route({1, out_row, W - 1, 1}, kOutColor, kWest, port_bit(kEast));
    OutStream s;
    s.name = "out", s.x = W - 1, s.y = out_row, s.port = kEast;
    s.capacity = (o.wild && rng.chance(30)) ? 1 + rng.below(8) : 4096;  // a small one may overflow: a trap
    im.add_out_stream(s);
  }

  // The kernel.
  KernelBuilder k("random");
  const std::vector<std::string> labels = {"loop", "done"};
  auto filler = [&](uint32_t max) {
    safe_filler(k, rng, rng.below(max + 1));
    if (o.wild && rng.chance(40)) wild_instruction(k, rng, labels);
  };
  k.task(24);
  k.li(kRMask, 63);
  k.label("loop");
  k.beqz(kRCount, "done");
  filler(3);
  for (size_t i = 0; i < flows.size(); ++i) {
    const std::string skip = "skip" + std::to_string(i);
    k.li(kRTest, int32_t(flows[i].role_bit));
    k.emit(kAnd, kRTest, flows[i].roles_reg, kRTest);
    k.beqz(kRTest, skip);
    k.send(flows[i].color, kRValue, kRSeq);
    k.label(skip);
  }
  if (out_stream) {
    k.li(kRTest, 4);
    k.emit(kAnd, kRTest, kRColRoles, kRTest);
    k.beqz(kRTest, "skip_out");
    k.send(kOutColor, kRValue, kRSeq);
    k.label("skip_out");
  }
  k.addi(kRCount, kRCount, -1);
  k.fadd(kRValue, kRValue, kRStep);
  k.addi(kRSeq, kRSeq, 1);
  k.jmp("loop");
  k.label("done");
  // Vector work: an asynchronous vfmac over SRAM that activates task 26 when done, while the task goes on
  // with a synchronous vfadd: the two contend for the arithmetic slot element by element.
  const uint32_t len = 1 + rng.below(24);
  k.dmem(0, 128, len, 1);
  k.dmem(1, 192, len, rng.chance(50) ? 1 : 2);
  k.vec(kVfmac, 0, VSrc::d(0), VSrc::d(1), {.async = true, .scalar_reg = kRStep, .done_task = 26});
  k.dmem(2, 160, len, -1 + 2 * int32_t(rng.below(2)));
  k.dmem(3, 170, len, 1);
  k.vec(kVfadd, 2, VSrc::d(3), VSrc::r(kRStep));
  // Sources of the first flow also stream a vector onto the fabric (sometimes skipping zeros).
  {
    const Flow& f = flows[0];
    k.li(kRTest, int32_t(f.role_bit));
    k.emit(kAnd, kRTest, f.roles_reg, kRTest);
    k.beqz(kRTest, "skip_vout");
    k.dfabout(4, f.color, len, rng.chance(50));
    k.dmem(5, 0, len, 1);
    k.vec(kVmov, 4, VSrc::d(5), VSrc::d(0), {.async = rng.chance(50)});
    k.label("skip_vout");
  }
  filler(4);
  k.ret();

  k.task(26);  // completion of the asynchronous vfmac
  k.addi(kRDone, kRDone, 1);
  filler(2);
  k.ret();

  // Data tasks: one per color that reaches cores. They fold the payload in, store it by index and count.
  std::vector<uint32_t> colors;
  for (const Flow& f : flows) colors.push_back(f.color);
  if (in_stream) colors.push_back(kInColor);
  for (uint32_t color : colors) {
    k.task(color);
    k.fadd(kRAcc, kRAcc, kRPayload);
    k.emit(kAnd, kRAddr, kRIndex, kRMask);
    k.st(kRPayload, kRAddr, 0);
    k.addi(kRDone, kRDone, 1);
    filler(3);
    k.ret();
  }

  const uint32_t kernel = im.add_kernel(k.build(kDataWords));
  im.place({0, 0, W, H}, kernel, 1u << 24);

  // Per-row and per-column values, so PEs differ without one initialiser per PE (the full wafer has 900k).
  for (uint32_t y = 0; y < H; ++y) {
    uint32_t roles = 0;
    if (y == 0) roles |= 1u;      // south flow source
    if (y == H - 1) roles |= 2u;  // north flow source
    im.reg({0, y, W, 1}, kRRowRoles, roles);
    im.reg({0, y, W, 1}, kRCount, rng.below(o.max_sends + 1));
    im.reg({0, y, W, 1}, kRStep, rng.float_bits());
    std::vector<uint32_t> words(32);
    for (auto& w : words) w = rng.chance(20) ? 0u : rng.float_bits();  // zeros for skip-zeros sends
    im.sram({0, y, W, 1}, 0, words);
    std::vector<uint32_t> vec(96);
    for (auto& w : vec) w = rng.float_bits();
    im.sram({0, y, W, 1}, 128, vec);
  }
  for (uint32_t x = 0; x < W; ++x) {
    uint32_t roles = 0;
    if (x == 0) roles |= 1u | 4u;  // east flow source, output-stream source (on its row only: see below)
    if (x == W - 1) roles |= 2u;   // west flow source
    im.reg({x, 0, 1, H}, kRColRoles, roles);
    im.reg({x, 0, 1, H}, kRValue, rng.float_bits());
    im.reg({x, 0, 1, H}, kRNoise, uint32_t(rng.next()));
  }
  // Only the output row's west PE may send on the output color (elsewhere color 5 has no ramp route).
  if (out_stream) {
    for (uint32_t y = 0; y < H; ++y) {
      if (y != out_row) im.reg({0, y, 1, 1}, kRColRoles, (W == 1 ? 2u : 0u) | 1u);
    }
  }
  return im;
}

}  // namespace wafer::test
