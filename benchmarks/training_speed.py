"""Benchmark: one training epoch of the DNN and the CNN, this module's loop against a tutorial loop.

The reference is MNIST written the usual tutorial way: a torchvision dataset
with a per-sample `ToTensor()` + `Normalize` transform, a `DataLoader` with
batch size 32 and shuffling, Adam, fp32. This module's loop is `train_epoch`
as `python -m training` runs it: the whole training set as one uint8 tensor on
the device, `randperm` batches of the default size, bf16 autocast where the
hardware has it, channels-last convolutions. It is timed twice: doing the
reference's work (no augmentation) and as the checkpoints are trained
(augmentation on). All loops train the same architecture from the same
initial weights, in one process, one after the other, on the same images.

    python -m benchmarks.training_speed --data-dir ../shared/datasets [--samples 20000] [--runs 2] [--device cpu]
"""
import argparse
import math
import time

import torch
import torch.nn.functional as F

import models
from training.augment import augment_digits
from training.datasets import data_dir
from training.datasets.mnist import load_mnist
from training.loop import cpu_has_bf16, make_optimizer, pick_device, train_epoch
from training.run import describe_device, trainable
from training.settings import configs


def reference_epoch(model, data_dir, device, samples: int) -> float:
    """Seconds for `samples` images through the tutorial loop (rounded up to whole batches)."""
    from torch.utils.data import DataLoader, Subset
    from torchvision import datasets, transforms

    transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])
    dataset = datasets.MNIST(data_dir, train=True, download=True, transform=transform)
    loader = DataLoader(Subset(dataset, range(samples)), batch_size=32, shuffle=True)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    model.train()
    start = time.perf_counter()
    for images, labels in loader:
        images, labels = images.to(device), labels.to(device)
        # the models normalise [0, 1] pixels themselves; undo the tutorial's Normalize to feed them the same
        loss = F.cross_entropy(model(images * 0.3081 + 0.1307), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    if device.type == "cuda":
        torch.cuda.synchronize()
    return time.perf_counter() - start


def clone(initial: torch.nn.Module, device, tutorial: bool = False) -> torch.nn.Module:
    """`initial`'s weights in this module's training layout, or in the tutorial's plain fp32 one."""
    model = models.build(initial.config).to(device) if tutorial else trainable(initial.config, device)
    model.load_state_dict(initial.state_dict())
    return model


def module_epoch(model, train, kind: str, device, augment: bool) -> float:
    """Seconds for one `train_epoch` over `train` with the CLI's settings for `kind`."""
    _, fit_config = configs(kind, {})
    optimizer = make_optimizer(model, fit_config)
    steps = math.ceil(len(train) / fit_config.batch_size)
    start = time.perf_counter()
    train_epoch(model, train, optimizer, fit_config, 1, 0, steps, augment_digits if augment else None)
    if device.type == "cuda":
        torch.cuda.synchronize()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", help="folder holding MNIST/ (default: $DATA_DIR or ./data)")
    parser.add_argument("--device", default="auto", help="auto, cpu, cuda")
    parser.add_argument("--samples", type=int, default=55_000, help="training images per timed epoch")
    parser.add_argument("--kinds", nargs="+", default=["dnn", "cnn"], choices=["dnn", "cnn"])
    parser.add_argument("--runs", type=int, default=2, help="timed epochs per loop; the fastest is reported")
    args = parser.parse_args()
    device = pick_device(args.device)
    train = load_mnist(args.data_dir)["train"].sample(args.samples).to(device)
    bf16 = device.type == "cuda" or cpu_has_bf16()
    print(f"device: {describe_device(device)}; torch {torch.__version__}; bf16 autocast for these models: "
          f"{'on' if bf16 else 'off (no native bf16)'}; {len(train)} images per epoch; best of {args.runs} runs each")
    for kind in args.kinds:
        torch.manual_seed(0)
        config, _ = configs(kind, {})
        initial = models.build(config).to(device)

        module_epoch(clone(initial, device), train.sample(4096), kind, device, augment=True)  # warm-up
        # best of `runs` for every loop: this machine's timings vary by 20-40% from run to run
        plain = min(module_epoch(clone(initial, device), train, kind, device, augment=False) for _ in range(args.runs))
        augmented = min(module_epoch(clone(initial, device), train, kind, device, augment=True)
                        for _ in range(args.runs))
        reference = min(reference_epoch(clone(initial, device, tutorial=True), data_dir(args.data_dir), device,
                                        len(train))
                        for _ in range(args.runs))
        n = len(train)
        print(f"{kind}: reference (DataLoader, ToTensor, batch 32)  {n / reference:8,.0f} samples/s "
              f"({reference:5.1f} s)")
        print(f"{kind}: this module, same work (no augmentation)  {n / plain:8,.0f} samples/s ({plain:5.1f} s)"
              f"  {reference / plain:5.1f}x the reference")
        print(f"{kind}: this module as trained (augmentation on)  {n / augmented:8,.0f} samples/s ({augmented:5.1f} s)"
              f"  {reference / augmented:5.1f}x the reference")


if __name__ == "__main__":
    main()
