"""Evidence for engine/numerics/vml_sqrt.py: regenerate its rsqrtps seed table from the CPU and check
the emulation against torch.sqrt, bit for bit.

    python bench/vml_sqrt.py            # table check + torch sweep (needs a C compiler and torch)
    python bench/vml_sqrt.py --table    # print the table constants to paste into vml_sqrt.py

How the kernel was found: gdb on `python -c "torch.rand(1000).sqrt()"` with a breakpoint on
`mkl_vml_kernel_sSqrt_*` stops in mkl_vml_kernel_sSqrt_EXHAynn (MKL's path for non-Intel CPUs);
`objdump -d --start-address=<nm's address> torch/lib/libtorch_cpu.so` shows rsqrtps, then
y = x*r, h = 0.5*r, e = 0.5 - y*h, y1 = y*e + y, h1 = h*e + h, sqrt = (x - y1*y1)*h1 + y1 in
unfused SSE single precision (float64: mkl_vml_kernel_dSqrt_EXHAynn, rsqrtps of the top mantissa
bits, then a degree-4 correction polynomial in double; constants read with objdump -s).
"""

import base64
import os
import subprocess
import sys
import tempfile
import textwrap
import time
import zlib

import numpy as np

_C_SOURCE = r"""
#include <immintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
/* rsqrtps for every float32 in [1, 4): 2 * 2^23 values, raw to stdout */
int main(void) {
    static float in[1 << 16], out[1 << 16];
    for (uint32_t e = 127; e <= 128; e++)
        for (uint32_t m0 = 0; m0 < (1u << 23); m0 += (1u << 16)) {
            for (uint32_t i = 0; i < (1u << 16); i++) {
                uint32_t b = (e << 23) | (m0 + i);
                memcpy(&in[i], &b, 4);
            }
            for (uint32_t i = 0; i < (1u << 16); i += 4)
                _mm_storeu_ps(out + i, _mm_rsqrt_ps(_mm_loadu_ps(in + i)));
            fwrite(out, 4, 1u << 16, stdout);
        }
    return 0;
}
"""


def measure_rsqrtps():
    """rsqrtps over [1, 2) and [2, 4) from the instruction itself, shape (2, 2**23)."""
    with tempfile.TemporaryDirectory() as tmp:
        src, exe = os.path.join(tmp, "r.c"), os.path.join(tmp, "r")
        with open(src, "w") as f:
            f.write(_C_SOURCE)
        subprocess.run(["cc", "-O1", "-msse2", "-o", exe, src], check=True)
        raw = subprocess.run([exe], check=True, capture_output=True).stdout
    return np.frombuffer(raw, np.float32).reshape(2, 1 << 23)


def table_constants(r):
    bits = r.view(np.uint32)
    assert np.all(bits >> 23 == 126), "rsqrtps of [1, 4) lies in [0.5, 1)"
    assert np.all(bits & 0x7FF == 0), "12 significant bits"
    blocks = bits.reshape(2, 4096, 2048)
    assert np.all(blocks == blocks[:, :, :1]), "constant over each top-12-bit block"
    q = (blocks[:, :, 0] & 0x7FFFFF).astype(np.int64) >> 11
    dec = -np.diff(q, axis=1)
    assert dec.min() >= 0 and dec.max() < 256
    enc = base64.b64encode(zlib.compress(dec.astype(np.uint8).tobytes(), 9)).decode()
    return (int(q[0, 0]), int(q[1, 0])), enc


def torch_sweep():
    import torch
    from gradcli.engine.numerics.vml_sqrt import vml_sqrt
    m = np.arange(1 << 23, dtype=np.uint32)
    for e, name in ((127, "[1, 2)"), (128, "[2, 4)")):
        x = ((np.uint32(e) << np.uint32(23)) | m).view(np.float32)
        t = torch.from_numpy(x).sqrt().numpy()
        t0 = time.process_time()
        v = vml_sqrt(x)
        cpu = time.process_time() - t0
        same = np.count_nonzero(t.view(np.uint32) == v.view(np.uint32))
        ieee = np.count_nonzero(t == np.sqrt(x))
        print(f"float32 {name}, all 2^23 mantissas: emulation bit-identical {same}/{x.size}, "
              f"IEEE sqrt {ieee / x.size:.2%}  ({cpu:.2f} s)")
    rng = np.random.default_rng(0)
    x = rng.integers(0, 2**32, 2 * 10**7, dtype=np.uint64).astype(np.uint32).view(np.float32)
    t = torch.from_numpy(x).sqrt().numpy()
    same = np.count_nonzero(t.view(np.uint32) == vml_sqrt(x).view(np.uint32))
    print(f"float32 random bit patterns (all exponents, signs, nan, inf): {same}/{x.size}")
    b = rng.integers(0, 2**63, 10**7, dtype=np.uint64)
    b |= rng.integers(0, 2, 10**7, dtype=np.uint64) << np.uint64(63)
    for name, x in (("random bit patterns", b.view(np.float64)),
                    ("uniform [0.5, 4)", rng.uniform(0.5, 4, 10**7))):
        t = torch.from_numpy(x).sqrt().numpy()
        same = np.count_nonzero(t.view(np.uint64) == vml_sqrt(x).view(np.uint64))
        ok = x > 0
        ieee = np.count_nonzero(t[ok] == np.sqrt(x[ok])) / np.count_nonzero(ok)
        print(f"float64 {name}: emulation bit-identical {same}/{x.size}, "
              f"IEEE sqrt on the positive ones {ieee:.2%}")


def main():
    from gradcli.engine.numerics import vml_sqrt as mod
    first, enc = table_constants(measure_rsqrtps())
    if "--table" in sys.argv:
        print(f"_Q_FIRST = {first}")
        print("_Q_DECREMENTS = (")
        print("\n".join(f'    "{line}"' for line in textwrap.wrap(enc, 96)) + ")")
        return
    same = first == mod._Q_FIRST and enc == "".join(mod._Q_DECREMENTS)
    print("rsqrtps table measured on this CPU", "== vml_sqrt.py's" if same else "DIFFERS from vml_sqrt.py's")
    torch_sweep()


if __name__ == "__main__":
    main()
