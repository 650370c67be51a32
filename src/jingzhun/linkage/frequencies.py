"""Term frequencies for names: 张伟 agreeing is weaker evidence than 羿翀 agreeing.

Splink adjusts the match weight of an agreeing level by how common the agreed value is (its
*term frequency*, TF). For full names the plain frequency is noisy: in one county most full
names occur once or twice, although 张 and 伟 are each very common. So the TF of a full name
is the larger of its observed frequency and the product of its surname's and given name's
frequencies (surname and given name taken as independent):

    tf(张伟) = max(count(张伟) / N, tf(张) × tf(伟))

This is how *common surnames and given names* enter the model: through the TF lookup of each
name key (raw name, simplified/shape-folded name, pinyin), registered with Splink in place of
the TF tables it would compute from the sample it is linking (see :func:`name_tf_table`).
Frequencies are best computed on the whole population (all records, including those resolved
by their ID), which is what :func:`jingzhun.linkage.link.link_records` does.
"""

from __future__ import annotations

import pandas as pd


def empirical_tf(values: pd.Series) -> pd.Series:
    """Relative frequency of each non-null value (index = value).

    >>> empirical_tf(pd.Series(["a", "a", "b", None])).to_dict()
    {'a': 0.6666666666666666, 'b': 0.3333333333333333}
    """
    counts = values.dropna().value_counts()
    total = counts.sum()
    return (counts / total) if total else counts.astype(float)


def name_tf_table(
    full: pd.Series, surname: pd.Series, given: pd.Series, column: str
) -> pd.DataFrame:
    """TF lookup for a name key: columns ``column`` and ``tf_<column>`` (Splink's format).

    ``full``, ``surname`` and ``given`` are aligned: the key of the full name and of its two
    parts, in the same form (e.g. all pinyin).

    >>> full = pd.Series(["张伟", "张伟", "张芳", "王伟"])
    >>> t = name_tf_table(full, full.str[0], full.str[1:], "name")
    >>> dict(zip(t["name"], t["tf_name"]))
    {'张伟': 0.5625, '张芳': 0.25, '王伟': 0.25}
    """
    frame = pd.DataFrame({"full": full, "s": surname, "g": given}).dropna(subset=["full"])
    observed = empirical_tf(frame["full"])
    tf_s = empirical_tf(frame["s"])
    tf_g = empirical_tf(frame["g"])
    parts = frame.drop_duplicates("full").set_index("full")
    product = parts["s"].map(tf_s).fillna(0.0) * parts["g"].map(tf_g).fillna(0.0)
    tf = pd.concat([observed, product.reindex(observed.index).fillna(0.0)], axis=1).max(axis=1)
    return pd.DataFrame({column: tf.index.astype(str), f"tf_{column}": tf.to_numpy(float)})
