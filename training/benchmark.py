"""Benchmark: one training epoch of the DNN and the CNN, this module's loop against a tutorial loop.

The reference is MNIST written the usual tutorial way: a torchvision dataset
with a per-sample `ToTensor()` + `Normalize` transform, a `DataLoader` with
batch size 32 and shuffling, Adam. This module's loop is `train_epoch` exactly
as `python -m training` runs it: the whole training set as one uint8 tensor on
the device, `randperm` batches of the default size, augmentation included.
Both train the same architecture from the same initial weights, in the same
process, one after the other, on the same 55,000 images.

    python -m training.benchmark --data-dir ../shared/datasets [--samples 20000] [--device cpu]
"""
import argparse
import math
import time

import torch
import torch.nn.functional as F

import models
from training.augment import augment_digits
from training.data import load_mnist
from training.loop import pick_device, train_epoch
from training.run import FIT_DEFAULTS, describe_device, model_config


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


def module_epoch(model, train, kind: str, device) -> float:
    """Seconds for one `train_epoch` over `train` with the CLI's settings for `kind`."""
    fit_config = FIT_DEFAULTS[kind]
    optimizer = torch.optim.AdamW(model.parameters(), lr=fit_config.lr, weight_decay=fit_config.weight_decay)
    steps = math.ceil(len(train) / fit_config.batch_size)
    start = time.perf_counter()
    train_epoch(model, train, optimizer, fit_config, 1, 0, steps, augment_digits)
    if device.type == "cuda":
        torch.cuda.synchronize()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", help="folder holding MNIST/ (default: $DATA_DIR or ./data)")
    parser.add_argument("--device", default="auto", help="auto, cpu, cuda")
    parser.add_argument("--samples", type=int, default=55_000, help="training images per timed epoch")
    parser.add_argument("--kinds", nargs="+", default=["dnn", "cnn"], choices=["dnn", "cnn"])
    args = parser.parse_args()
    device = pick_device(args.device)
    train = load_mnist(args.data_dir)["train"].head(args.samples).to(device)
    from training.data import data_dir

    print(f"device: {describe_device(device)}; torch {torch.__version__}; {len(train)} images per epoch; 1 run each")
    for kind in args.kinds:
        torch.manual_seed(0)
        initial = models.build(model_config(kind)).to(device)
        reference_model, module_model = initial, models.build(initial.config).to(device)
        module_model.load_state_dict(initial.state_dict())
        module_epoch(models.build(initial.config).to(device), train.head(2048), kind, device)  # warm-up
        ours = module_epoch(module_model, train, kind, device)
        theirs = reference_epoch(reference_model, data_dir(args.data_dir), device, len(train))
        print(f"{kind}: this module {len(train) / ours:9,.0f} samples/s ({ours:6.1f} s, batch "
              f"{FIT_DEFAULTS[kind].batch_size})   reference {len(train) / theirs:9,.0f} samples/s "
              f"({theirs:6.1f} s, batch 32)   speed-up {theirs / ours:5.1f}x")


if __name__ == "__main__":
    main()
