"""The data sets, each as whole tensors in `Split`s, by the name a registry kind gives as its `dataset`.

    splits, vocab = LOADERS["sst2"](path, vocab)   # vocab is None for image sets
    TRAIN_SIZES["mnist"]                           # training examples its loader gives (the Retrain tab's maximum)

One module each: mnist (MNIST and Fashion-MNIST), sst2 (its sentences, or its labelled phrases), nsmc (Korean
reviews), pendigits (MNIST plus pen-drawn digits replayed as the app reads a
drawing) and nondigits (digits against drawings that are not digits).
"""
from training.datasets import mnist, nondigits, nsmc, pendigits, sst2
from training.datasets.common import MissingData, Split, data_dir

__all__ = ["LOADERS", "OFFERED_WITHOUT_FILES", "TRAIN_FILES", "TRAIN_SIZES", "MissingData", "Split", "data_dir",
           "on_hand"]

# A registry kind's `dataset` names its loader here: (path, vocab) -> (splits, vocab or None).
LOADERS = {
    "mnist": lambda path=None, vocab=None: (mnist.load_mnist(path), None),
    "sst2": sst2.load_sst2,
    "sst2-phrases": sst2.load_sst2_phrases,
    "fashion": lambda path=None, vocab=None: (mnist.load_fashion(path), None),
    "nsmc": nsmc.load_nsmc,
    "digits": lambda path=None, vocab=None: (pendigits.load_digits(path), None),
    "digit-or-not": lambda path=None, vocab=None: (nondigits.load_digit_or_not(path), None),
}
# training examples each loader gives (tests/test_datasets.py checks them against the files)
TRAIN_SIZES = {"mnist": mnist.TRAIN_SIZE, "sst2": sst2.TRAIN_SIZE, "sst2-phrases": sst2.PHRASES_SIZE,
               "fashion": mnist.TRAIN_SIZE,
               "nsmc": nsmc.TRAIN_SIZE, "digits": pendigits.TRAIN_SIZE, "digit-or-not": nondigits.TRAIN_SIZE}
# The file under the data folder that shows a data set is there, for the Retrain tab's list of models: a kind whose
# data set is not there is not offered, except those of OFFERED_WITHOUT_FILES, the app's first kinds, whose data
# sets a server online downloads on the first run.
TRAIN_FILES = {"mnist": f"MNIST/raw/{mnist.MNIST_FILES[0]}-ubyte", "digits": f"MNIST/raw/{mnist.MNIST_FILES[0]}-ubyte",
               "sst2": "sst2/train.txt",
               "fashion": f"FashionMNIST/raw/{mnist.MNIST_FILES[0]}-ubyte", "nsmc": f"nsmc/{nsmc.NSMC_FILES['train']}"}
# "digits": MNIST, plus the pen digits where they are
OFFERED_WITHOUT_FILES = ("mnist", "digits", "sst2", "sst2-phrases")


def on_hand(name: str, path: str | None = None) -> bool:
    """Whether the data set `name` (a key of LOADERS) is in the data folder (`path`, else $DATA_DIR, else ./data)."""
    return name in TRAIN_FILES and (data_dir(path) / TRAIN_FILES[name]).exists()
