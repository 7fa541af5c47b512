"""Network definitions, the registry of model kinds, and checkpoints rebuilt from the config saved with them."""
from models.checkpoint import CheckpointError, build, load, load_config, save
from models.cnn import CNN, CNNConfig
from models.dnn import DNN, DNNConfig
from models.registry import KINDS, Kind
from models.rnn import RNNConfig, SentenceClassifier

__all__ = [
    "CheckpointError", "build", "load", "load_config", "save", "KINDS", "Kind",
    "CNN", "CNNConfig", "DNN", "DNNConfig", "RNNConfig", "SentenceClassifier",
]
