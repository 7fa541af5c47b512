"""Network definitions. Each model is rebuilt from the config dataclass saved beside its weights."""
from models.checkpoint import ARCHITECTURES, CheckpointError, build, load, load_config, save
from models.cnn import CNN, CNNConfig
from models.mlp import MLP, MLPConfig
from models.rnn import RNNConfig, SentenceClassifier

__all__ = [
    "ARCHITECTURES", "CheckpointError", "build", "load", "load_config", "save",
    "CNN", "CNNConfig", "MLP", "MLPConfig", "RNNConfig", "SentenceClassifier",
]
