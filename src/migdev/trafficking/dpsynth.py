"""Differentially private synthetic microdata, and how faithful it is.

Synthesis uses Microsoft's synthetic-data-showcase algorithm (DP marginals, then aggregate-seeded
synthesis), the method behind CTDC's synthetic releases, through its Python package ``pac-synth``. The
fidelity report follows SDS's evaluation: for each combination length up to the reporting length, the
attribute combinations of the sensitive data that the synthetic data preserves, the ones it suppresses,
the ones it fabricates, and the mean proportional error of their counts.
"""

import itertools
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

# What the privacy guarantee is, for the release report and the benchmark. Every setting migdev changes
# from pac-synth's defaults is post-processing of the noisy aggregates, or only moves budget between
# combination lengths, so the guarantee is the same as the defaults' at the same epsilon.
EPSILON_ACCOUNTING = (
    "(epsilon, delta)-differential privacy of the whole table, by pac-synth's DP aggregate-seeded "
    "synthesiser: 0.5 % of epsilon protects the number of records, 1 % picks the 99th percentile that "
    "bounds how many combinations one record may contribute, and the rest is spent on Gaussian noise "
    "over the counts of every combination of 1 to reporting_length attributes (split between the lengths "
    "by the accuracy mode; the total does not change); delta = 1 / (ln n * n) for n protected records. "
    "Combinations below the noise threshold are removed; fabrication control and the sampling of "
    "records from the noisy counts are post-processing and spend no budget."
)


class SynthesisUnavailable(RuntimeError):
    """pac-synth is not installed."""


class SynthesisFailed(ValueError):
    """pac-synth refused the table, for example when the noisy number of records came out negative (a small
    table at a small epsilon). Its Rust code panics; the panic is turned into this error so that the caller
    can say what to change instead of failing the request."""


def _cell(value: Any) -> str:
    if value is None or value is False:
        return ""
    if value is True:
        return "1"
    return str(value)


def as_table(records: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> list[list[str]]:
    """Header plus string rows; "" is absent (as SDS treats it)."""
    return [list(columns), *([_cell(record.get(column)) for column in columns] for record in records)]


@dataclass
class SynthesisResult:
    header: list[str]
    rows: list[list[str]]
    parameters: dict[str, Any]
    seconds: float


def synthesise(
    table: list[list[str]],
    *,
    epsilon: float,
    reporting_length: int = 3,
    defaults: bool = False,
) -> SynthesisResult:
    """DP synthetic rows for ``table`` (header first). ``defaults=True`` uses pac-synth's own defaults
    apart from epsilon and reporting length. Otherwise two post-processing settings change (same noisy
    aggregates, same guarantee): fabrication is balanced against suppression, and sampling is balanced by
    the counts already synthesised (``use_synthetic_counts``: a combination sampled often gets less chance
    to be sampled again), which on CTDC-like data cuts the mean proportional error to about a third
    (bench/ctdc.py) for about twice the synthesis time."""
    try:
        import pacsynth  # type: ignore[import-untyped]
    except ImportError as error:  # pragma: no cover - depends on the installation
        raise SynthesisUnavailable("Install pac-synth to build synthetic releases.") from error
    if epsilon <= 0:
        raise ValueError("epsilon must be positive")
    if not 1 <= reporting_length <= 6:
        raise ValueError("the reporting length is between 1 and 6")
    builder = (
        pacsynth.DpAggregateSeededParametersBuilder().reporting_length(reporting_length).epsilon(epsilon)
    )
    if not defaults:
        builder = builder.fabrication_mode(pacsynth.FabricationMode.balanced()).use_synthetic_counts(True)
    parameters = builder.build()
    started = time.perf_counter()
    dataset = pacsynth.Dataset(
        table, use_columns=[], multi_value_columns={}, sensitive_zeros=[], record_limit=0
    )
    synthesizer = pacsynth.DpAggregateSeededSynthesizer(parameters)
    try:
        synthesizer.fit(dataset)
        rows = synthesizer.sample()
    except BaseException as error:  # pyo3's PanicException derives from BaseException, not Exception
        if type(error).__name__ != "PanicException":
            raise
        raise SynthesisFailed(str(error)) from None
    seconds = time.perf_counter() - started
    return SynthesisResult(
        header=list(rows[0]) if rows else list(table[0]),
        rows=[list(row) for row in rows[1:]],
        parameters={
            "epsilon": epsilon,
            "reporting_length": reporting_length,
            "fabrication_mode": "uncontrolled (pac-synth default)" if defaults else "balanced",
            "sampling": "by the noisy aggregates (pac-synth default)"
            if defaults
            else "balanced by the counts already synthesised (use_synthetic_counts)",
            "engine": "pac-synth (Microsoft synthetic-data-showcase)",
        },
        seconds=seconds,
    )


def _encode(columns: list[list[str]]) -> tuple[list[npt.NDArray[np.int64]], list[dict[str, int]]]:
    codes = []
    vocabularies = []
    for values in columns:
        vocabulary: dict[str, int] = {"": 0}
        codes.append(
            np.fromiter(
                (vocabulary.setdefault(v, len(vocabulary)) for v in values), dtype=np.int64, count=len(values)
            )
        )
        vocabularies.append(vocabulary)
    return codes, vocabularies


def combination_counts(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    reporting_length: int,
    vocabularies: list[dict[str, int]] | None = None,
) -> dict[int, dict[tuple[Any, ...], int]]:
    """Counts of every attribute combination of 1..reporting_length non-empty values, by length."""
    width = len(header)
    columns = [[row[i] for row in rows] for i in range(width)]
    if vocabularies is None:
        codes, vocabularies = _encode(columns)
    else:
        codes = []
        for values, vocabulary in zip(columns, vocabularies, strict=True):
            for value in values:
                vocabulary.setdefault(value, len(vocabulary))
            codes.append(np.fromiter((vocabulary[v] for v in values), dtype=np.int64, count=len(values)))
    result: dict[int, dict[tuple[Any, ...], int]] = {}
    for length in range(1, reporting_length + 1):
        counts: dict[tuple[Any, ...], int] = {}
        for chosen in itertools.combinations(range(width), length):
            mask = np.ones(len(rows), dtype=bool)
            key = np.zeros(len(rows), dtype=np.int64)
            for index in chosen:
                mask &= codes[index] > 0
                key = key * (len(vocabularies[index]) + 1) + codes[index]
            if not mask.any():
                continue
            keys, found = np.unique(key[mask], return_counts=True)
            for value, count in zip(keys.tolist(), found.tolist(), strict=True):
                counts[(chosen, value)] = count
        result[length] = counts
    return result


def fidelity_report(
    header: Sequence[str],
    sensitive: Sequence[Sequence[str]],
    synthetic: Sequence[Sequence[str]],
    reporting_length: int,
) -> dict[str, Any]:
    """SDS-style fidelity of ``synthetic`` against ``sensitive`` (rows without the header)."""
    vocabularies: list[dict[str, int]] = [{"": 0} for _ in header]
    real = combination_counts(header, sensitive, reporting_length, vocabularies)
    fake = combination_counts(header, synthetic, reporting_length, vocabularies)
    by_length = []
    for length in range(1, reporting_length + 1):
        real_counts, fake_counts = real[length], fake[length]
        preserved = real_counts.keys() & fake_counts.keys()
        errors = [abs(fake_counts.get(key, 0) - count) / count for key, count in real_counts.items()]
        by_length.append(
            {
                "length": length,
                "sensitive_combinations": len(real_counts),
                "synthetic_combinations": len(fake_counts),
                "preserved": len(preserved),
                "suppressed": len(real_counts.keys() - fake_counts.keys()),
                "fabricated": len(fake_counts.keys() - real_counts.keys()),
                "mean_proportional_error": round(float(np.mean(errors)), 4) if errors else None,
            }
        )
    return {
        "sensitive_records": len(sensitive),
        "synthetic_records": len(synthetic),
        "reporting_length": reporting_length,
        "by_length": by_length,
    }
