// Kernels: the text assembles to exactly the instructions the C++ KernelBuilder emits (the FC kernel), labels resolve
// forward and backward, tasks bind, assembly-time if/for expand, kernel parameters instantiate.
#include "tests/asm/asm_test_support.h"

#include "host/image/kernel_builder.h"
#include "host/kernels/gemv.h"

namespace wafer::asmtest {
namespace {

void expect_same_code(const Kernel& a, const Kernel& b) {
  ASSERT_EQ(a.code.size(), b.code.size());
  for (size_t pc = 0; pc < a.code.size(); ++pc) {
    const Instr &x = a.code[pc], &y = b.code[pc];
    EXPECT_TRUE(x.op == y.op && x.a == y.a && x.b == y.b && x.c == y.c && x.imm == y.imm)
        << "pc " << pc << ": " << op_name(x.op) << " " << int(x.a) << "," << int(x.b) << "," << int(x.c)
        << "," << x.imm << " vs " << op_name(y.op) << " " << int(y.a) << "," << int(y.b) << "," << int(y.c)
        << "," << y.imm;
  }
  for (int t = 0; t < kTasks; ++t) EXPECT_EQ(a.entry[t], b.entry[t]) << "task " << t;
}

// The FC kernel (host/kernels/fc_kernel.h) in its single-position role, as the GEMV example builds it
// for a 1 x 1 rectangle, written in text with the same registers.
TEST(KernelEncoding, TextFcKernelEqualsTheBuilderKernel) {
  const std::string text = R"(
grid 1, 1
kernel gemv {
  task on_x data 0 {
    mul r9, r1, r2
    add r9, r9, r4
    dbase d1, r9
    vfmac d0, d2, d1, r0
    dbase d2, r6
    addi r3, r3, -1
    beqz r3, last_x
    ret
  last_x:
    mov r3, r5
    sub r6, r7, r6
    dbase d0, r6
    dbase d2, r12
    bnez r8, wait
    sub r9, r7, r6
    dbase d3, r9
    async vmov d4, d3 then activate done
    li r8, 1
    ret
  wait:
    li r10, 1
    block 0
    ret
  }
  task done local 24 {
    li r8, 0
    beqz r10, done_ret
    li r10, 0
    sub r9, r7, r6
    dbase d3, r9
    async vmov d4, d3 then activate done
    li r8, 1
    unblock 0
  done_ret:
    ret
  }
}
)";
  const Image builder = build_gemv_image(random_gemv(4, 4, 1), GemvLayout{1, 1});
  expect_same_code(assemble_text(text + "layout {\n  place gemv at (0, 0)\n}\n").image.kernels.at(0),
                   builder.kernels.at(0));
}

TEST(KernelEncoding, EveryInstructionForm) {
  KernelBuilder k("k");
  k.task(24);
  k.label("top");
  k.nop();
  k.li(1, -5);
  k.mov(2, 1);
  k.add(3, 1, 2);
  k.sub(3, 1, 2);
  k.mul(3, 1, 2);
  k.emit(kAnd, 3, 1, 2);
  k.emit(kOr, 3, 1, 2);
  k.emit(kXor, 3, 1, 2);
  k.emit(kShl, 3, 1, 2);
  k.emit(kShr, 3, 1, 2);
  k.fadd(4, 1, 2);
  k.emit(kFsub, 4, 1, 2);
  k.fmul(4, 1, 2);
  k.emit(kFmax, 4, 1, 2);
  k.fma(4, 1, 2);
  k.addi(5, 5, 100);
  k.ld(6, 7, 3);
  k.st(6, 7, -2);
  k.activate(25);
  k.block(3);
  k.unblock(25);
  k.send(2, 8, 9);
  k.recv(2, 8, 9);
  k.dld(1, 7, 4);
  k.dmem(2, 3, 4, 1);
  k.dbase(2, 5);
  k.dlen(2, 6);
  k.vec(kVmov, 1, VSrc::d(2));
  k.vec(kVfneg, 1, VSrc::r(3), VSrc::d(0), {.async = true});
  k.vec(kVfadd, 1, VSrc::d(2), VSrc::r(4), {.async = true, .done_task = 25});
  k.vec(kVfsub, 1, VSrc::r(2), VSrc::d(3), {.async = true, .done_task = 3, .done_unblock = true});
  k.vec(kVfmul, 1, VSrc::d(2), VSrc::d(3));
  k.vec(kVfmax, 1, VSrc::d(2), VSrc::d(3));
  k.vec(kViadd, 1, VSrc::d(2), VSrc::d(3));
  k.vec(kVfmac, 1, VSrc::d(1), VSrc::d(3), {.scalar_reg = 11});
  k.jmp("top");
  k.bnez(1, "top");
  k.blt(1, 2, "end");
  k.label("end");
  k.ret();
  k.task(25);
  k.ret();
  const Kernel expected = k.build(16);

  const std::string text = R"(
grid 1, 1
color c2 = 2
kernel k {
  var mem16[16]
  task main local 24 {
  top:
    nop
    li r1, -5
    mov r2, r1
    add r3, r1, r2
    sub r3, r1, r2
    mul r3, r1, r2
    and r3, r1, r2
    or r3, r1, r2
    xor r3, r1, r2
    shl r3, r1, r2
    shr r3, r1, r2
    fadd r4, r1, r2
    fsub r4, r1, r2
    fmul r4, r1, r2
    fmax r4, r1, r2
    fma r4, r1, r2
    addi r5, r5, 100
    ld r6, [r7 + 3]
    st [r7 - 2], r6
    activate other
    block 3
    unblock other
    send c2, r8, r9
    recv r8, r9, c2
    dld d1, [r7 + 4]
    dset d2, mem(3, 4)
    dbase d2, r5
    dlen d2, r6
    vmov d1, d2
    async vfneg d1, r3
    async vfadd d1, d2, r4 then activate other
    async vfsub d1, r2, d3 then unblock 3
    vfmul d1, d2, d3
    vfmax d1, d2, d3
    viadd d1, d2, d3
    vfmac d1, d1, d3, r11
    jmp top
    bnez r1, top
    blt r1, r2, end
  end:
    ret
  }
  task other local 25 { ret }
}
layout {
  place k at (0, 0)
  route c2 at (0, 0) rx ramp tx ramp
}
)";
  const Kernel got = assemble_text(text).image.kernels.at(0);
  expect_same_code(got, expected);
  EXPECT_EQ(got.data_words, 16u);
}

TEST(KernelEncoding, AliasesConstsIfForAndRaw) {
  const std::string text = R"(
param UNROLL = 3
grid 1, 1
kernel k {
  alias acc = r5
  alias out = d2
  const step = 4
  var v[UNROLL * step]
  task t local start {
    for j in 0..UNROLL-1 {
      ld acc, [r0 + v[j * step]]
    }
    if UNROLL > 2 {
      addi acc, acc, step
    } else {
      nop
    }
    vmov out, acc
    raw 0, 1, 2, 3, 4
  }
}
layout {
  place k at (0, 0)
}
)";
  const Assembly a = assemble_text(text);
  const Kernel& k = a.image.kernels.at(0);
  ASSERT_EQ(k.code.size(), 6u);
  for (int j = 0; j < 3; ++j) {
    EXPECT_EQ(k.code[j].op, kLd);
    EXPECT_EQ(k.code[j].a, 5);
    EXPECT_EQ(k.code[j].imm, j * 4);
  }
  EXPECT_EQ(k.code[3].op, kAddi);
  EXPECT_EQ(k.code[4].op, kVmov);
  EXPECT_EQ(k.code[4].a, 2);
  EXPECT_EQ(k.code[4].b, 5);
  EXPECT_EQ(uint32_t(k.code[4].imm), vflag::kS0IsReg);
  EXPECT_TRUE(k.code[5].op == 0 && k.code[5].a == 1 && k.code[5].b == 2 && k.code[5].c == 3 &&
              k.code[5].imm == 4);
  EXPECT_EQ(a.image.placements.at(0).activate_mask, 1u << 24);  // 'start'
  EXPECT_EQ(k.data_words, 12u);
}

TEST(KernelEncoding, TaskIdsAreAssignedAndBound) {
  const std::string text = R"(
grid 1, 1
color ca = 3
kernel k {
  task a local { ret }
  task b data ca { ret }
  task c local 24 blocked { ret }
  task d local { ret }
}
layout {
  place k at (0, 0)
}
)";
  const Assembly a = assemble_text(text);
  const Kernel& k = a.image.kernels.at(0);
  // 'a' gets the lowest free local id that no explicit id claims, even one declared later (24 is c's).
  EXPECT_EQ(k.entry[25], 0u);
  EXPECT_EQ(k.entry[3], 1u);
  EXPECT_EQ(k.entry[24], 2u);
  EXPECT_EQ(k.entry[26], 3u);
  EXPECT_EQ(a.image.placements.at(0).block_mask, 1u << 24);
}

TEST(KernelEncoding, KernelParametersMakeOneInstancePerDistinctValue) {
  const std::string text = R"(
grid 4, 2
color cs[2]
kernel k(c, big = 0) {
  var v[big ? 8 : 2]
  export v
  task t local { send c, r0, r0 }
}
layout {
  place k(c = cs[x % 2]) at (0..3, 0)
  place k(c = cs[x % 2], big = 1) at (0..3, 1)
  route cs[0] at (*, *) rx ramp tx ramp
  route cs[1] at (*, *) rx ramp tx ramp
}
)";
  const Assembly a = assemble_text(text);
  ASSERT_EQ(a.image.kernels.size(), 4u);
  EXPECT_EQ(a.image.kernels[0].name, "k(c=0, big=0)");
  EXPECT_EQ(a.image.kernels[1].name, "k(c=1, big=0)");
  EXPECT_EQ(a.image.kernels[0].code[0].imm, 0);
  EXPECT_EQ(a.image.kernels[1].code[0].imm, 1);
  EXPECT_EQ(a.symbol(2, 1, "v").words, 8u);
  EXPECT_EQ(a.symbol(3, 0, "v").words, 2u);
  // x % 2 varies along a row: one placement per PE column and row.
  EXPECT_EQ(a.image.placements.size(), 8u);
}

}  // namespace
}  // namespace wafer::asmtest
