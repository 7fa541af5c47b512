"""Command line: `python -m training <kind> [options]` or `python -m training evaluate DIR`.

The kinds, their flags and the flags' defaults come from the model registry
(models/registry.py): every config field made with `setting(...)` is a flag.

Examples:
    python -m training cnn --data-dir ../shared/datasets --out assets/cnn
    python -m training lstm --epochs 5 --subset 2000 --data-dir ../shared/datasets
    python -m training evaluate assets/cnn --data-dir ../shared/datasets
    python -m training lstm --dev-only --out runs/a    # choose on the dev set, then score the chosen run once:
    python -m training evaluate runs/a --record
"""
import argparse
import json
import os
import signal
import sys
import threading
from pathlib import Path

from tqdm import tqdm

import models
from models import registry
from training.loop import TrainingDiverged, pick_device
from training.run import describe_device, load_data, model_card, score, train_model
from training.settings import configs, fit_defaults

FIT_FLAGS = {  # the FitConfig fields the command line sets, with their meaning
    "epochs": "most epochs to train",
    "lr": "peak learning rate (AdamW, cosine decay)",
    "patience": "epochs without a lower validation loss before stopping",
    "batch_size": "examples per batch",
    "weight_decay": "AdamW weight decay",
    "seed": "random seed for weights, batch order and the subset",
    "pretrain_epochs": "text: epochs of language-model pretraining before training the classifier",
    "adversarial": "text: size of the adversarial push on the embeddings while training (0: off)",
    "by_length": "text: batches of sentences of one length (no padding to step through)",
}
DATA_HELP = "folder holding MNIST/, sst2/ and nsmc/ (default: $DATA_DIR, else ./data)"


def _flag(parser: argparse.ArgumentParser, name: str, default, help: str, choices=None) -> None:
    """Add --name for a setting whose value when omitted is `default` (shown in --help)."""
    flag = "--" + name.replace("_", "-")
    shown = " ".join(map(str, default)) if isinstance(default, list) else default
    help = f"{help} (default: {shown})"
    if isinstance(default, bool):
        parser.add_argument(flag, action=argparse.BooleanOptionalAction, help=help)
    elif isinstance(default, list):
        parser.add_argument(flag, type=type(default[0]), nargs="+", help=help)
    else:
        parser.add_argument(flag, type=type(default), choices=choices, help=help)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m training", description="Train or evaluate the demo's models.")
    sub = parser.add_subparsers(dest="command", required=True)
    for kind in registry.KINDS.values():
        p = sub.add_parser(kind.name, help=f"train the {kind.title} on {kind.dataset}")
        fit = fit_defaults(kind.name)
        for name, help in FIT_FLAGS.items():
            _flag(p, name, getattr(fit, name), help)
        p.add_argument("--subset", type=int, help="use a random subset of at most this many examples of each "
                                                  "split, for quick runs (default: all)")
        p.add_argument("--device", default="auto", help="auto (CUDA when present), cpu, cuda, cuda:1, … "
                                                        "(default: auto)")
        p.add_argument("--data-dir", help=DATA_HELP)
        p.add_argument("--out", help=f"checkpoint folder to write (default: runs/{kind.name})")
        if kind.other_datasets:
            p.add_argument("--dataset", choices=(kind.dataset, *kind.other_datasets), default=kind.dataset,
                           help=f"what to train on (default: {kind.dataset}); validation and test are the same")
        if "sst2-phrases" in (kind.dataset, *kind.other_datasets):
            p.add_argument("--min-freq", type=int, help="the vocabulary: words seen in at least this many training "
                                                        "sentences or phrases (default: 2)")
        p.add_argument("--dev-only", action="store_true",
                       help="leave the test set unread: for runs compared on the dev set; score the one chosen "
                            "once with `evaluate --record`")
        for name, setting in kind.settings().items():
            _flag(p, name, setting["default"], setting["help"], setting.get("choices"))
    p = sub.add_parser("evaluate", help="print a checkpoint's test metrics")
    p.add_argument("checkpoint", help="checkpoint folder (config.json + model.safetensors)")
    p.add_argument("--data-dir", help=DATA_HELP)
    p.add_argument("--device", default="auto", help="auto, cpu, cuda, … (default: auto)")
    p.add_argument("--subset", type=int, help="evaluate on a random subset of this many test examples "
                                              "(default: all)")
    p.add_argument("--record", action="store_true",
                   help="write the test metrics into the checkpoint's metrics.json and model card (a run trained "
                        "with --dev-only, once chosen; the whole test set)")
    return parser.parse_args(argv)


def train_command(args: argparse.Namespace) -> int:
    kind, device = args.command, pick_device(args.device)
    seed = fit_defaults(kind).seed if args.seed is None else args.seed
    try:
        dataset = getattr(args, "dataset", None)  # only kinds with other_datasets have the flag
        splits, vocab = load_data(kind, args.data_dir, args.subset, seed, device, dataset=dataset,
                                  min_freq=getattr(args, "min_freq", None))
    except FileNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    config, fit_config = configs(kind, vars(args), vocab)
    print(f"{kind}: {len(splits['train'])} train / {len(splits['val'])} val / {len(splits['test'])} test "
          f"on {describe_device(device)}")
    bars: dict[tuple[str, int], tqdm] = {}  # one bar per epoch of each stage (pretrain, fit)

    def on_progress(p):
        key = (p.stage, p.epoch)
        if p.stats is None:
            if key not in bars:
                stage = "pretrain epoch" if p.stage == "pretrain" else "epoch"
                bars[key] = tqdm(total=p.batches, desc=f"{stage} {p.epoch}/{p.epochs}", unit="batch",
                                 leave=False, dynamic_ncols=True, mininterval=1.0)
            bar = bars[key]
            bar.update(p.batch - bar.n)
            bar.set_postfix(loss=f"{p.loss:.4f}", refresh=False)
            if p.stage == "pretrain" and p.batch == p.batches:
                bars.pop(key).close()
                tqdm.write(f"pretrain epoch {p.epoch:3d}  language-model loss {p.loss:.4f}")
            return
        if key in bars:
            bars.pop(key).close()
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
        run = train_model(config, splits, fit_config, on_progress, stop.is_set, test=not args.dev_only)
    except TrainingDiverged as error:
        print(f"error: {error.message.say('en')}", file=sys.stderr)
        return 1
    finally:
        signal.signal(signal.SIGINT, previous_handler)
        for bar in bars.values():
            bar.close()
    if run.fit.best_epoch is None:
        print("stopped before the first epoch ended: nothing saved", file=sys.stderr)
        return 1
    out = args.out or f"runs/{kind}"
    report = run.report()
    models.save(run.model, out, {"metrics.json": report}, model_card(config, report))
    pretrained = f" after {run.pretrain_seconds:.0f}s of pretraining" if run.pretraining else ""
    print(f"stopped: {run.fit.stop_reason}, best epoch {run.fit.best_epoch}, {run.fit.seconds:.0f}s{pretrained}")
    if run.fit.message:
        print(f"  {run.fit.message.say('en')} The weights of epoch {run.fit.best_epoch} are saved.")
    print_metrics(run.val_metrics, "val")
    if run.metrics is not None:
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
        vocab = getattr(model.config, "vocab", None)  # a text model's own words, not rebuilt ones
        splits, _ = load_data(kind, args.data_dir, None, 0, device, vocab)
    except (models.CheckpointError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if args.record and args.subset:
        print("error: --record scores the whole test set; leave out --subset", file=sys.stderr)
        return 1
    test = splits["test"].sample(args.subset)
    metrics = score(model, test)
    print(f"{args.checkpoint}: {kind} on {describe_device(device)}")
    print_metrics(metrics, "test")
    if (goal := registry.get(kind).accuracy_goal) is not None:
        verdict = "met" if metrics["accuracy"] >= goal else "NOT met"
        print(f"goal: test accuracy at least {goal:.1%}: {verdict} ({metrics['accuracy']:.2%})")
    print("confusion matrix (rows: true class, columns: predicted):")
    for row in metrics["confusion_matrix"]:
        print("  " + " ".join(f"{v:5d}" for v in row))
    print(json.dumps({k: v for k, v in metrics.items() if k != "confusion_matrix"}))
    if args.record:
        record(Path(args.checkpoint), model.config, metrics)
    return 0


def record(folder: Path, config, metrics: dict) -> None:
    """Write `metrics` as the checkpoint's test metrics, in metrics.json and its model card (atomic writes)."""
    report = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    report["test"] = metrics
    for name, text in (("metrics.json", json.dumps(report, indent=2)), ("README.md", model_card(config, report))):
        tmp = folder / f".{name}.tmp"
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, folder / name)
    print(f"recorded the test metrics in {folder / 'metrics.json'} and {folder / 'README.md'}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.command == "evaluate":
        return evaluate_command(args)
    return train_command(args)


if __name__ == "__main__":
    sys.exit(main())
