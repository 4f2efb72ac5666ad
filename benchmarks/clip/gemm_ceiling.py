"""PyTorch's side of run.sh --gemm-ceiling: torch.mm on the shapes of GemmCeiling.java, best of 5 rounds."""
import sys
import time

import torch

SHAPES = [(1576, 768, 3072), (1576, 3072, 768), (1576, 768, 2304),
          (400, 768, 3072), (400, 3072, 768), (400, 768, 2304), (4096, 4096, 4096)]


def main():
    torch.set_num_threads(int(sys.argv[1]))
    for m, k, n in SHAPES:
        a, b = torch.randn(m, k), torch.randn(k, n)
        reps = 2 if m >= 4096 else 10
        for _ in range(3):
            torch.mm(a, b)
        best = float("inf")
        for _ in range(5):
            t = time.perf_counter()
            for _ in range(reps):
                torch.mm(a, b)
            best = min(best, (time.perf_counter() - t) / reps)
        print(f"torch  [{m},{k}]x[{k},{n}] {2 * m * k * n / best / 1e9:7.1f} GFLOP/s", flush=True)


if __name__ == "__main__":
    main()
