"""Classification metrics from predicted probabilities, computed with scikit-learn."""
import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, precision_recall_fscore_support, roc_auc_score


def classification_metrics(probs, labels) -> dict:
    """Accuracy, macro precision / recall / F1, one-vs-rest ROC-AUC and the confusion matrix.

    `probs` is (N, C) class probabilities and `labels` (N,) integer classes, as
    tensors or arrays. The result is plain JSON-ready Python.
    """
    probs = np.asarray(probs.cpu() if hasattr(probs, "cpu") else probs, dtype=np.float64)
    labels = np.asarray(labels.cpu() if hasattr(labels, "cpu") else labels)
    classes = list(range(probs.shape[1]))
    predicted = probs.argmax(axis=1)
    precision, recall, f1, _ = precision_recall_fscore_support(
        labels, predicted, labels=classes, average="macro", zero_division=0
    )
    auc = float("nan")  # stays undefined when a (sub)set lacks a class: it then has no ROC curve
    if len(np.unique(labels)) == len(classes):
        auc = roc_auc_score(labels, probs[:, 1]) if len(classes) == 2 else \
            roc_auc_score(labels, probs, multi_class="ovr", labels=classes)
    return {
        "n": int(len(labels)),
        "accuracy": float(accuracy_score(labels, predicted)),
        "precision_macro": float(precision),
        "recall_macro": float(recall),
        "f1_macro": float(f1),
        "roc_auc_ovr": float(auc),
        "confusion_matrix": confusion_matrix(labels, predicted, labels=classes).tolist(),
    }
