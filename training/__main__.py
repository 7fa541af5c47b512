"""Command line: `python -m training <dnn|cnn|rnn|lstm|gru> [options]` or `python -m training evaluate DIR`.

Examples:
    python -m training cnn --data-dir ../shared/datasets --out assets/cnn
    python -m training lstm --epochs 5 --subset 2000
    python -m training evaluate assets/cnn --data-dir ../shared/datasets
"""
import argparse
import json
import signal
import sys
import threading

from tqdm import tqdm

import models
from training.loop import TrainingDiverged, pick_device
from training.run import (FIT_DEFAULTS, IMAGE_KINDS, KINDS, describe_device, load_data, model_config, score,
                          train_model, with_overrides)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m training", description="Train or evaluate the demo's models.")
    sub = parser.add_subparsers(dest="command", required=True)
    for kind in KINDS:
        p = sub.add_parser(kind, help=f"train the {kind.upper()} model")
        p.add_argument("--epochs", type=int, help="most epochs to train")
        p.add_argument("--lr", type=float, help="peak learning rate (AdamW, cosine decay)")
        p.add_argument("--patience", type=int, help="epochs without a lower validation loss before stopping")
        p.add_argument("--batch-size", type=int, help="examples per batch")
        p.add_argument("--weight-decay", type=float, help="AdamW weight decay")
        p.add_argument("--subset", type=int, help="use at most this many examples of each split (quick runs)")
        p.add_argument("--seed", type=int, default=0, help="random seed for weights and batch order")
        p.add_argument("--device", default="auto", help="auto (CUDA when present), cpu, cuda, cuda:1, ...")
        p.add_argument("--data-dir", help="folder holding MNIST/ and sst2/ (default: $DATA_DIR or ./data)")
        p.add_argument("--out", help=f"checkpoint folder to write (default: runs/{kind})")
        p.add_argument("--dropout", type=float, help="dropout probability")
        p.add_argument("--init", choices=["default", "gaussian", "xavier", "kaiming", "zeros"], help="weight init")
        if kind == "dnn":
            p.add_argument("--hidden-sizes", type=int, nargs="+", help="widths of the hidden layers")
            p.add_argument("--activation", choices=["relu", "gelu", "tanh", "sigmoid"], help="activation")
            p.add_argument("--batch-norm", action=argparse.BooleanOptionalAction, help="BatchNorm after each layer")
        elif kind == "cnn":
            p.add_argument("--channels", type=int, nargs="+", help="output channels of each conv block")
            p.add_argument("--hidden-size", type=int, help="width of the classifier's hidden layer")
        else:
            p.add_argument("--embedding-dim", type=int, help="word-embedding size")
            p.add_argument("--hidden-size", type=int, help="recurrent state size per direction")
            p.add_argument("--num-layers", type=int, help="stacked recurrent layers")
            p.add_argument("--bidirectional", action=argparse.BooleanOptionalAction, help="read both directions")
    p = sub.add_parser("evaluate", help="print a checkpoint's test metrics")
    p.add_argument("checkpoint", help="checkpoint folder (config.json + model.safetensors)")
    p.add_argument("--data-dir", help="folder holding MNIST/ and sst2/ (default: $DATA_DIR or ./data)")
    p.add_argument("--device", default="auto", help="auto, cpu, cuda, ...")
    p.add_argument("--subset", type=int, help="evaluate on at most this many test examples")
    return parser.parse_args(argv)


MODEL_FLAGS = ("dropout", "init", "hidden_sizes", "activation", "batch_norm", "channels", "hidden_size",
               "embedding_dim", "num_layers", "bidirectional")


def train_command(args: argparse.Namespace) -> int:
    kind, device = args.command, pick_device(args.device)
    fit_config = with_overrides(FIT_DEFAULTS[kind], epochs=args.epochs, lr=args.lr, patience=args.patience,
                                batch_size=args.batch_size, weight_decay=args.weight_decay, seed=args.seed)
    try:
        splits, vocab = load_data(kind, args.data_dir, args.subset, args.seed, device)
    except FileNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    config = model_config(kind, vocab, **{f: getattr(args, f, None) for f in MODEL_FLAGS})
    print(f"{kind}: {len(splits['train'])} train / {len(splits['val'])} val / {len(splits['test'])} test "
          f"on {describe_device(device)}")
    bars: dict[int, tqdm] = {}  # one bar per epoch

    def on_progress(p):
        if p.stats is None:
            if p.epoch not in bars:
                bars[p.epoch] = tqdm(total=p.batches, desc=f"epoch {p.epoch}/{p.epochs}", unit="batch",
                                     leave=False, dynamic_ncols=True, mininterval=1.0)
            bar = bars[p.epoch]
            bar.update(p.batch - bar.n)
            bar.set_postfix(loss=f"{p.loss:.4f}", refresh=False)
            return
        if p.epoch in bars:
            bars.pop(p.epoch).close()
        s = p.stats
        tqdm.write(f"epoch {s.epoch:3d}  train loss {s.train_loss:.4f} acc {s.train_acc:.4f}  "
                   f"val loss {s.val_loss:.4f} acc {s.val_acc:.4f}  lr {s.lr:.2e}  {s.seconds:.1f}s"
                   f"{'  *best' if s.best else ''}")

    stop = threading.Event()

    def interrupt(signum, frame):  # the first Ctrl-C stops after this batch and keeps the best weights
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        tqdm.write("stopping after this batch; the best weights so far will be saved (Ctrl-C again to abort)")

    previous_handler = signal.signal(signal.SIGINT, interrupt)
    try:
        run = train_model(config, splits, fit_config, on_progress, stop.is_set)
    except TrainingDiverged as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        signal.signal(signal.SIGINT, previous_handler)
        for bar in bars.values():
            bar.close()
    if run.fit.best_epoch is None:
        print("stopped before the first epoch ended: nothing saved", file=sys.stderr)
        return 1
    out = args.out or f"runs/{kind}"
    models.save(run.model, out, {"metrics.json": run.report(fit_config)})
    print(f"stopped: {run.fit.stop_reason}, best epoch {run.fit.best_epoch}, {run.fit.seconds:.0f}s")
    print_metrics(run.val_metrics, "val")
    print_metrics(run.metrics, "test")
    print(f"saved {out}")
    return 0


def print_metrics(metrics: dict, name: str) -> None:
    print(f"{name}: accuracy {metrics['accuracy']:.4f}  precision {metrics['precision_macro']:.4f}  "
          f"recall {metrics['recall_macro']:.4f}  F1 {metrics['f1_macro']:.4f}  "
          f"ROC-AUC {metrics['roc_auc_ovr']:.4f}  (n={metrics['n']})")


def evaluate_command(args: argparse.Namespace) -> int:
    device = pick_device(args.device)
    try:
        model = models.load(args.checkpoint, device)
        kind = model.config.kind
        vocab = None if kind in IMAGE_KINDS else model.config.vocab  # the model's own words, not rebuilt ones
        splits, _ = load_data(kind, args.data_dir, None, 0, device, vocab)
    except (models.CheckpointError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    test = splits["test"].head(args.subset)
    metrics = score(model, test)
    print(f"{args.checkpoint}: {kind} on {describe_device(device)}")
    print_metrics(metrics, "test")
    print("confusion matrix (rows: true class, columns: predicted):")
    for row in metrics["confusion_matrix"]:
        print("  " + " ".join(f"{v:5d}" for v in row))
    print(json.dumps({k: v for k, v in metrics.items() if k != "confusion_matrix"}))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.command == "evaluate":
        return evaluate_command(args)
    return train_command(args)


if __name__ == "__main__":
    sys.exit(main())
