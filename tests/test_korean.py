"""Korean sentiment (issue #13): the tokeniser, the NSMC loader, the registry's Korean kinds, and tab 2's API with
Korean sentences and pairs."""
import json
from pathlib import Path

import pytest
import torch
from gradio_client import Client

import models
from models import korean, registry
from models.rnn import KoreanRNNConfig
from models.text import encode
from tests.helpers import handlers
from training.datasets import TRAIN_SIZES, Split
from training.datasets.nsmc import load_nsmc, read_nsmc_file
from training.loop import FitConfig, batch_indices, fit
from training.settings import configs
from ui.retrain.confusion import cell_examples
from ui.sentiment import reading as sentiment

ASSETS = Path(__file__).resolve().parent.parent / "assets"
VOCAB = ["<pad>", "<unk>", "영화", "##는", "영", "##화", "최고", "##다", "재밌", "!", "ㅋㅋ", "good"]


# ---- tokeniser ---------------------------------------------------------------------------------------------------

def test_normalising_folds_full_width_letters_and_long_repeats():
    assert korean.normalise("ＧＯＯＤ ㅋㅋㅋㅋㅋㅋ!!!!") == "good ㅋㅋ!!"
    assert korean.normalise("가" + "\u1100\u1161") == "가가"  # decomposed jamo are composed (NFC)


def test_words_are_split_at_spaces_then_into_runs_of_one_script():
    assert korean.words("재밌다!!ㅋㅋㅋ 최고 good10") == [["재밌다", "!", "!", "ㅋㅋ"], ["최고"], ["good", "10"]]
    assert korean.words("   ") == []


def test_a_word_is_cut_into_its_longest_known_pieces():
    tokeniser = korean.Tokeniser(VOCAB)
    assert tokeniser.word_pieces("영화는 최고다") == [["영화", "##는"], ["최고", "##다"]]
    assert tokeniser.pieces("영화") == ["영화"]  # the longest match, not 영 + ##화
    assert tokeniser.pieces("재밌다ㅋㅋㅋㅋ") == ["재밌", "##다", "ㅋㅋ"]


def test_an_unknown_syllable_is_one_unknown_piece_not_its_whole_word():
    tokeniser = korean.Tokeniser(VOCAB)
    assert tokeniser.pieces("영화뷁는") == ["영화", "##뷁", "##는"]
    ids, lengths = encode([tokeniser.pieces("영화뷁는")], VOCAB)
    assert ids.tolist() == [[2, 1, 3]] and lengths.tolist() == [3]


def test_pieces_join_back_into_words():
    assert korean.detokenize(["영화", "##는", "최고", "##다"]) == "영화는 최고다"
    assert korean.display("##는") == "는" and korean.display("영화") == "영화"


def test_a_vocabulary_learnt_on_reviews_starts_with_the_special_tokens_and_is_repeatable():
    texts = ["영화 정말 재밌다", "영화가 너무 지루하다", "정말 최고의 영화", "지루한 영화는 싫다"] * 50
    vocab = korean.learn_vocab(texts, 80, ["<pad>", "<unk>"])
    assert vocab[:2] == ["<pad>", "<unk>"] and len(set(vocab)) == len(vocab) <= 80
    assert "영화" in vocab and "##다" in vocab
    assert korean.learn_vocab(texts, 80, ["<pad>", "<unk>"]) == vocab


# ---- the loader --------------------------------------------------------------------------------------------------

def write_nsmc(folder, train: list[tuple[str, int]], test: list[tuple[str, int]]):
    (folder / "nsmc").mkdir(parents=True)
    for name, rows in (("ratings_train.txt", train), ("ratings_test.txt", test)):
        lines = ["id\tdocument\tlabel"] + [f"{i}\t{text}\t{label}" for i, (text, label) in enumerate(rows)]
        (folder / "nsmc" / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_the_loader_gives_tensors_a_vocabulary_and_a_held_out_validation_split(tmp_path):
    reviews = [("정말 재밌는 영화 ㅋㅋ", 1), ("너무 지루한 영화", 0), ("최고의 영화!", 1), ("시간 아까움", 0)] * 60
    write_nsmc(tmp_path, reviews, reviews[:20])
    splits, vocab = load_nsmc(str(tmp_path))
    assert {name: len(split) for name, split in splits.items()} == {"train": 220, "val": 20, "test": 20}
    ids, lengths = splits["train"].inputs
    assert ids.dtype == torch.long and ids.shape[0] == 220 and (lengths > 0).all()
    assert set(splits["train"].labels.tolist()) == {0, 1}
    again, same = load_nsmc(str(tmp_path), vocab)  # a trained model's own vocabulary encodes the same way
    assert same == vocab and torch.equal(again["test"].inputs[0], splits["test"].inputs[0])


@pytest.mark.parametrize("content, wanted", [
    ("id\ttext\tlabel\n1\t좋다\t1\n", "expected the header"),
    ("id\tdocument\tlabel\n1\t좋다\t5\n", ":2: expected id, review and a 0/1 label"),
    ("id\tdocument\tlabel\n1\t좋다\n", ":2: expected id, review and a 0/1 label"),
])
def test_a_malformed_file_names_its_line(tmp_path, content, wanted):
    (tmp_path / "bad.txt").write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=wanted):
        read_nsmc_file(tmp_path / "bad.txt")


def test_a_missing_data_set_is_a_message(tmp_path):
    with pytest.raises(FileNotFoundError, match="NSMC"):
        load_nsmc(str(tmp_path))


def test_a_confusion_cell_shows_korean_reviews_as_written():
    tokeniser = korean.Tokeniser(VOCAB)
    ids, lengths = encode([tokeniser.pieces("영화는 최고다"), tokeniser.pieces("good 영화")], VOCAB)
    test = Split((ids, lengths), torch.tensor([1, 1]))
    assert cell_examples(test, torch.tensor([1, 0]), VOCAB) == {(1, 1): ["영화는 최고다"], (1, 0): ["good 영화"]}


# ---- registry, model and checkpoint ------------------------------------------------------------------------------

def test_the_korean_kinds_come_in_the_english_ones_order_with_their_language():
    assert registry.names("text", "en") == ["rnn", "lstm", "gru"]
    assert registry.names("text", "ko") == ["rnn-ko", "lstm-ko", "gru-ko"]
    assert set(registry.names("text")) == {"rnn", "lstm", "gru", "rnn-ko", "lstm-ko", "gru-ko"}
    assert {"rnn-ko", "lstm-ko", "gru-ko"} <= set(registry.retrainable())
    assert registry.get("gru-ko").dataset == "nsmc"
    shipped = json.loads((ASSETS / "gru-ko" / "metrics.json").read_text())
    assert TRAIN_SIZES["nsmc"] == shipped["examples"]["train"]  # the Retrain tab offers what the loader gave it
    with pytest.raises(ValueError, match="language"):
        registry.register(registry.Kind("x", "X", models.SentenceClassifier, KoreanRNNConfig, "text", "nsmc",
                                        registry.SENTIMENT, {}, (), 100, language="xx"))


def test_settings_give_a_korean_config_of_the_right_cell(tmp_path):
    config, fit = configs("gru-ko", {"hidden_size": 16, "embedding_dim": 8}, VOCAB)
    assert isinstance(config, KoreanRNNConfig) and config.cell == "gru" and config.kind == "gru-ko"
    model = models.build(config).eval()
    assert isinstance(model.cell, torch.nn.GRU)
    models.save(model, tmp_path / "gru-ko")
    saved = json.loads((tmp_path / "gru-ko" / "config.json").read_text())
    assert saved["vocab"] == VOCAB and saved["cell"] == "gru"  # the vocabulary is plain JSON beside the weights
    loaded = models.load(tmp_path / "gru-ko")
    assert loaded.config == config and loaded.word_tokens("영화는 최고다") == [["영화", "##는"], ["최고", "##다"]]
    with torch.no_grad():
        assert torch.equal(loaded(*loaded.encode_text(["영화는 최고다"])), model(*model.encode_text(["영화는 최고다"])))


def test_an_english_model_still_reads_words():
    model = models.build(models.RNNConfig(kind="gru", vocab=["<pad>", "<unk>", "good"], embedding_dim=4,
                                          hidden_size=4))
    assert model.tokeniser is None and model.word_tokens("Good film.") == [["good"], ["film"], ["."]]


@pytest.mark.parametrize("text, language", [
    ("정말 재밌어요", "ko"), ("a charming film", "en"), ("🙂🙂", "en"), ("", "en"),
    ("연기는 good 인데 스토리는 별로", "ko"), ("the movie was great, 최고", "en"), ("ㅋㅋㅋ", "ko"),
])
def test_the_script_chooses_the_language(text, language):
    assert sentiment.language_of(text) == language


def test_without_the_korean_models_a_korean_sentence_says_so_and_english_still_works():
    english = {kind: models.build(models.RNNConfig(kind=kind, vocab=VOCAB[:2] + ["good"], embedding_dim=4,
                                                   hidden_size=4)).eval() for kind in ("rnn", "lstm", "gru")}
    lab = handlers(english, {})
    note, *labels, words, trace = lab.sentiment.predict_sentiment("정말 재밌어요", {})
    assert note == "No Korean sentiment model is available." and labels == [None, None, None]
    assert lab.sentiment.compare_sentences("정말 재밌어요", "최고", {}) == "No Korean sentence model is available."
    note, *labels, words, trace = lab.sentiment.predict_sentiment("a good film", {})
    assert all(label is not None for label in labels) and "2 of 3 words are unknown" in note


def test_batches_by_length_hold_reviews_of_one_length_and_every_review_once():
    lengths = torch.tensor([3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2])
    train = Split((torch.ones(12, 3, dtype=torch.long), lengths), torch.zeros(12, dtype=torch.long))
    batches = batch_indices(train, 4, by_length=True, generator=torch.Generator().manual_seed(0))
    assert sorted(torch.cat(batches).tolist()) == list(range(12))
    assert all(len(set(lengths[b].tolist())) == 1 for b in batches)
    orders = {tuple(tuple(b.tolist()) for b in batch_indices(train, 4, True, torch.Generator().manual_seed(seed)))
              for seed in range(5)}
    assert len(orders) > 1  # still shuffled: within a length, and the batches among themselves
    assert [len(b) for b in batch_indices(train, 5)] == [5, 5, 2]  # text or not, by_length off is a random order


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_a_batch_without_padding_reads_as_the_packed_batch_does(cell):
    model = models.build(KoreanRNNConfig(kind=f"{cell}-ko", cell=cell, vocab=VOCAB, embedding_dim=8,
                                         hidden_size=8)).eval()
    ids = torch.tensor([[2, 3, 6, 0], [4, 5, 7, 0]])
    with torch.no_grad():
        alone = model(ids, torch.tensor([3, 3]))  # one length: the cell reads the tensor as is
        packed = model(torch.cat([ids, torch.tensor([[8, 0, 0, 0]])]), torch.tensor([3, 3, 1]))[:2]
    torch.testing.assert_close(alone, packed)


@pytest.mark.slow
def test_a_korean_model_learns_from_batches_by_length():
    tokeniser = korean.Tokeniser(VOCAB)
    reviews = [("영화는 최고다 재밌 !", 1), ("최고다 ㅋㅋ", 1), ("영화는 good", 0), ("영 화 영 화 ##다", 0)] * 16
    ids, lengths = encode([tokeniser.pieces(text) for text, _ in reviews], VOCAB)
    data = Split((ids, lengths), torch.tensor([label for _, label in reviews]))
    model = models.build(KoreanRNNConfig(vocab=VOCAB, embedding_dim=8, hidden_size=8))
    result = fit(model, data, data, FitConfig(epochs=15, lr=1e-2, batch_size=8, patience=15, by_length=True))
    assert result.history[-1].val_acc == 1.0


# ---- the shipped models through the app's API ---------------------------------------------------------------------

@pytest.mark.parametrize("text, label", [
    ("진짜 재밌게 봤어요 ㅋㅋ 강추합니다", "positive"),
    ("배우들 연기가 정말 최고였고 감동적이었다", "positive"),
    ("시간 아깝다 진짜 지루하고 최악의 영화", "negative"),
    ("스토리가 너무 뻔하고 재미없음", "negative"),
])
def test_korean_sentences_are_read_by_the_korean_models(client, text, label):
    note, rnn, lstm, gru, words, trace = client.predict(text, api_name="/predict_sentiment")
    assert [answer["label"] for answer in (rnn, lstm, gru)] == [label] * 3, (text, rnn, lstm, gru)
    assert "**Korean** models" in note
    shown = "".join(entry["token"] for entry in words)
    assert shown.split() == text.split()  # the pieces put back together are the sentence
    assert trace is not None


def test_the_trace_moves_word_by_word_and_unknown_pieces_are_marked(client):
    vocab = set(json.loads((ASSETS / "lstm-ko" / "config.json").read_text())["vocab"])
    rare = next(chr(c) for c in range(0xD7A3, 0xAC00, -1) if chr(c) not in vocab and "##" + chr(c) not in vocab)
    note, *labels, words, trace = client.predict(f"영화 {rare} 최고", api_name="/predict_sentiment")
    marked = [(entry["token"], entry["class_or_confidence"]) for entry in words if entry["token"] != " "]
    assert (rare, "unknown") in marked and ("영화", None) in marked
    assert "1 of 3 pieces are unknown" in note
    figure = json.loads(trace["plot"])
    assert [len(line["y"]) for line in figure["data"] if line.get("mode") == "lines+markers"] == [3, 3, 3]


def test_a_mixed_sentence_says_which_models_read_it(client):
    note, *labels, words, trace = client.predict("연기는 good 인데 스토리는 별로", api_name="/predict_sentiment")
    assert "mixes Korean and English" in note and "**Korean** models read it" in note
    note, *labels, words, trace = client.predict("the movie was great, 최고", api_name="/predict_sentiment")
    assert "mixes English and Korean" in note and "**English** models read it" in note


def test_two_korean_sentences_are_compared_by_the_korean_models(client):
    same = "배우들 연기가 정말 최고였어요"
    table = client.predict(same, same, api_name="/compare_sentences")
    assert table.count("+1.000") == 3 and "LSTM-KO" in table and "**Korean** models" in table
    table = client.predict("정말 재밌고 감동적인 영화", "시간 아깝다 최악", api_name="/compare_sentences")
    assert table.count("| RNN-KO |") == 1
    table = client.predict("정말 재밌고 감동적인 영화", "a dull mess", api_name="/compare_sentences")
    assert "Sentence A is Korean and sentence B English" in table


@pytest.mark.slow
@pytest.mark.data
def test_a_korean_model_is_retrained_and_then_answers_that_session(app_url):
    mine, theirs = Client(app_url, verbose=False), Client(app_url, verbose=False)
    settings = dict(kind="gru-ko", log_lr=-2.5, epochs=1, patience=1, batch_size=64, hidden=16, dropout=0.1,
                    init="default", bidirectional=True, subset=500)
    status, curves, scores, confusion, download, *_ = mine.predict(*settings.values(), api_name="/train")
    assert "Done" in status and "accuracy" in scores and confusion is not None
    sentence = "정말 재밌는 영화"
    *_, gru, words, trace = mine.predict(sentence, api_name="/predict_sentiment")  # this session's GRU-KO
    *_, shipped_gru, words, trace = theirs.predict(sentence, api_name="/predict_sentiment")
    assert gru["confidences"] != shipped_gru["confidences"]


# ---- the shipped checkpoints ---------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["rnn-ko", "lstm-ko", "gru-ko"])
def test_each_korean_checkpoint_is_at_most_10_mb_with_its_metrics(kind):
    folder = ASSETS / kind
    assert (folder / "model.safetensors").stat().st_size <= 10 * 2**20
    assert (folder / "config.json").stat().st_size <= 10 * 2**20
    metrics = json.loads((folder / "metrics.json").read_text())
    assert metrics["test"]["n"] == 50_000 and metrics["examples"]["train"] == 145_000
    assert models.load(folder).config.kind == kind
