#include "host/image/kernel_builder.h"

#include "host/model/error.h"

namespace wafer {

KernelBuilder& KernelBuilder::task(uint32_t id) {
  if (id >= uint32_t(kTasks))
    throw Error("kernel '" + kernel_.name + "': task id " + std::to_string(id) + " (0..31)");
  kernel_.entry[id] = pc();
  return *this;
}

KernelBuilder& KernelBuilder::label(const std::string& name) {
  if (!labels_.emplace(name, pc()).second)
    throw Error("kernel '" + kernel_.name + "': label '" + name + "' defined twice");
  return *this;
}

void KernelBuilder::emit(uint8_t op, uint8_t a, uint8_t b, uint8_t c, int32_t imm) {
  kernel_.code.push_back(Instr{op, a, b, c, imm});
}

void KernelBuilder::branch(uint8_t op, uint8_t ra, uint8_t rb, const std::string& target) {
  fixups_.emplace_back(pc(), target);
  emit(op, ra, rb, 0, 0);
}

void KernelBuilder::dmem(uint8_t d, uint32_t base, uint32_t length, int32_t stride) {
  emit(kDset0, d, 0, 0, int32_t(desc_word0(kDescMem, base)));
  emit(kDset1, d, 0, 0, int32_t(desc_word1(length, stride)));
}
void KernelBuilder::dfabin(uint8_t d, uint32_t color, uint32_t length) {
  emit(kDset0, d, 0, 0, int32_t(desc_word0(kDescFabIn, color)));
  emit(kDset1, d, 0, 0, int32_t(desc_word1(length, 0)));
}
void KernelBuilder::dfabout(uint8_t d, uint32_t color, uint32_t length, bool skip_zeros) {
  emit(kDset0, d, 0, 0, int32_t(desc_word0(kDescFabOut, color, skip_zeros)));
  emit(kDset1, d, 0, 0, int32_t(desc_word1(length, 0)));
}

void KernelBuilder::vec(uint8_t op, uint8_t dst, VSrc s0, VSrc s1, VecOpts o) {
  uint32_t flags = (uint32_t(o.scalar_reg) & vflag::kScalarMask) << vflag::kScalarShift;
  if (s0.is_reg) flags |= vflag::kS0IsReg;
  if (s1.is_reg) flags |= vflag::kS1IsReg;
  if (o.async) flags |= vflag::kAsync;
  if (o.done_task >= 0) {
    flags |= (uint32_t(o.done_task) & vflag::kDoneMask) << vflag::kDoneShift;
    flags |= o.done_unblock ? vflag::kDoneUnblock : vflag::kDoneActivate;
  }
  emit(op, dst, s0.id, s1.id, int32_t(flags));
}

Kernel KernelBuilder::build(uint32_t data_words) {
  for (const auto& [at, name] : fixups_) {
    auto it = labels_.find(name);
    if (it == labels_.end()) throw Error("kernel '" + kernel_.name + "': undefined label '" + name + "'");
    kernel_.code[at].imm = int32_t(it->second);
  }
  kernel_.data_words = data_words;
  return kernel_;
}

}  // namespace wafer
