"""Differentially private synthetic microdata, and how faithful it is.

The noisy marginals come from Microsoft's synthetic-data-showcase (the method behind CTDC's synthetic
releases), through its Python package ``pac-synth``; migdev samples the records from them itself
(``sample_released_counts``), which is post-processing. The fidelity report follows SDS's evaluation: for
each combination length up to the reporting length, the attribute combinations of the sensitive data that
the synthetic data preserves, the ones it suppresses, the ones it fabricates, and the mean proportional
error of their counts.
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
    "Combinations below the noise threshold are removed. Records are then sampled from the released "
    "counts and the noisy number of records alone (post-processing), which spends no budget."
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
    seed: int | None = None,
) -> SynthesisResult:
    """DP synthetic rows for ``table`` (header first). pac-synth adds the noise to the counts of every
    combination of 1 to ``reporting_length`` values and thresholds them. ``defaults=True`` then samples
    records with pac-synth's own defaults (apart from epsilon and reporting length). Otherwise migdev samples
    them from the released counts (``sample_released_counts``): about a third of the defaults' mean
    proportional error in about a third of their time on CTDC-like data (bench/ctdc.py). Reporting lengths
    above 3 use pac-synth's sampler, balanced (fabrication against suppression, and by the counts already
    synthesised). ``seed`` fixes migdev's sampling only: pac-synth draws its noise from the system."""
    try:
        import pacsynth  # type: ignore[import-untyped]
    except ImportError as error:  # pragma: no cover - depends on the installation
        raise SynthesisUnavailable("Install pac-synth to build synthetic releases.") from error
    if epsilon <= 0:
        raise ValueError("epsilon must be positive")
    if not 1 <= reporting_length <= 6:
        raise ValueError("the reporting length is between 1 and 6")
    if any(":" in column for column in table[0]) or any(_DELIMITER in cell for row in table for cell in row):
        raise SynthesisFailed("a column name holds ':' or a value holds the unit separator")
    own_sampler = not defaults and reporting_length <= _LONGEST_FITTED
    builder = (
        pacsynth.DpAggregateSeededParametersBuilder().reporting_length(reporting_length).epsilon(epsilon)
    )
    if not defaults and not own_sampler:
        builder = builder.fabrication_mode(pacsynth.FabricationMode.balanced()).use_synthetic_counts(True)
    parameters = builder.build()
    started = time.perf_counter()
    dataset = pacsynth.Dataset(
        table, use_columns=[], multi_value_columns={}, sensitive_zeros=[], record_limit=0
    )
    synthesizer = pacsynth.DpAggregateSeededSynthesizer(parameters)
    try:
        synthesizer.fit(dataset)
        if own_sampler:
            counts = index_released_counts(
                table[0],
                synthesizer.get_dp_aggregates(_DELIMITER),
                synthesizer.get_dp_number_of_records(),
                reporting_length,
            )
            rows = [list(table[0]), *sample_released_counts(counts, np.random.default_rng(seed))]
        else:
            rows = synthesizer.sample()
    except BaseException as error:  # pyo3's PanicException derives from BaseException, not Exception
        if type(error).__name__ != "PanicException":
            raise
        raise SynthesisFailed(str(error)) from None
    seconds = time.perf_counter() - started
    if own_sampler:
        sampling = (
            "migdev: candidate records drawn from the released pair counts, weighted to every released "
            "combination of 1 to 3 values (iterative proportional fitting), the noisy number of records "
            "kept by systematic sampling"
        )
        fabrication = (
            "pairs only as released; a record holding a triple that was not released is kept rare "
            "(starting weight 0.1 per such triple)"
        )
    elif defaults:
        sampling = "pac-synth's sampler, by the noisy aggregates (pac-synth default)"
        fabrication = "uncontrolled (pac-synth default)"
    else:
        sampling = "pac-synth's sampler, balanced by the counts already synthesised (use_synthetic_counts)"
        fabrication = "balanced"
    return SynthesisResult(
        header=list(rows[0]) if rows else list(table[0]),
        rows=[list(row) for row in rows[1:]],
        parameters={
            "epsilon": epsilon,
            "reporting_length": reporting_length,
            "fabrication_mode": fabrication,
            "sampling": sampling,
            "engine": "pac-synth (Microsoft synthetic-data-showcase) for the noisy aggregates",
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


# --- sampling records from the noisy aggregates -------------------------------------------------------------
#
# pac-synth's own sampler builds one record at a time, attribute by attribute, and with
# ``use_synthetic_counts`` re-reads every combination of the record so far for every candidate value: about
# twice its default time. migdev instead draws candidate records in bulk from the noisy counts of pairs,
# weights them so that their counts of every released combination of 1 to 3 values match the noisy counts
# (iterative proportional fitting), and keeps the noisy number of records by systematic sampling. It reads
# only what pac-synth released (the noisy, thresholded aggregates and the noisy number of records), so it is
# post-processing: the guarantee is the one in EPSILON_ACCOUNTING.

_DELIMITER = "\x1f"  # between the values of a combination in pac-synth's aggregate keys
# Combinations longer than this are not fitted: longer reporting lengths use pac-synth's sampler.
_LONGEST_FITTED = 3
_CANDIDATES_PER_RECORD = 2
_FITTING_ROUNDS = 16
_UNRELEASED_TRIPLE_WEIGHT = 0.1  # 0.01 lost rare values on a 27-column table and fabricated about as much
_CHUNK = 16_384  # candidate records drawn at once (memory: chunk × attributes)


@dataclass
class ReleasedCounts:
    """pac-synth's noisy aggregates, indexed for sampling. Attributes 0..A-1 are the released (column, value)
    pairs; attribute A + j stands for "no value" in column j, with its counts derived by subtraction."""

    header: list[str]
    records: int
    longest: int  # the longest combination released and fitted: 1, 2 or 3
    values: list[str]
    column_of: npt.NDArray[np.int64]
    singles: npt.NDArray[np.float64]
    pairs: npt.NDArray[np.float64]
    single_ids: npt.NDArray[np.int64]
    pair_ids: npt.NDArray[np.int64]
    triple_keys: npt.NDArray[np.int64]
    triple_ids: npt.NDArray[np.int64]
    targets: npt.NDArray[np.float64]

    @property
    def released(self) -> int:
        return len(self.values)

    def triple_key(
        self, a: npt.NDArray[np.int64], b: npt.NDArray[np.int64], c: npt.NDArray[np.int64]
    ) -> npt.NDArray[np.int64]:
        size = self.released
        ordered = np.sort(np.stack([a, b, c]), axis=0)
        return (ordered[0] * size + ordered[1]) * size + ordered[2]


def index_released_counts(
    header: Sequence[str], aggregates: Mapping[str, int], records: int, reporting_length: int
) -> ReleasedCounts:
    """``aggregates`` as pac-synth's ``get_dp_aggregates(_DELIMITER)`` gives them ("column:value" joined by
    the delimiter, to the noisy count); ``records`` is its noisy number of records."""
    position = {column: i for i, column in enumerate(header)}
    combinations: list[tuple[list[tuple[int, str]], int]] = []
    attribute: dict[tuple[int, str], int] = {}
    for key, count in aggregates.items():
        parts = []
        for item in key.split(_DELIMITER):
            column, _, value = item.partition(":")
            parts.append((position[column], value))
        combinations.append((parts, count))
        if len(parts) == 1:
            attribute.setdefault(parts[0], len(attribute))
    released = len(attribute)
    width = len(header)
    ordered = sorted(attribute, key=attribute.__getitem__)
    column_of = np.array([column for column, _ in ordered] + list(range(width)), dtype=np.int64)
    size = released + width
    singles = np.zeros(size)
    pairs = np.zeros((size, size))
    single_ids = np.full(size, -1, dtype=np.int64)
    pair_ids = np.full((released, released), -1, dtype=np.int64)
    triple_keys: list[int] = []
    triple_ids: list[int] = []
    targets: list[float] = []
    for parts, count in combinations:
        ids = sorted(attribute[part] for part in parts if part in attribute)
        if len(ids) != len(parts) or len(ids) > _LONGEST_FITTED:
            continue  # a longer combination, or one whose single value fell under the threshold
        targets.append(count)
        if len(ids) == 1:
            singles[ids[0]] = count
            single_ids[ids[0]] = len(targets) - 1
        elif len(ids) == 2:
            a, b = ids
            pairs[a, b] = pairs[b, a] = count
            pair_ids[a, b] = pair_ids[b, a] = len(targets) - 1
        else:
            a, b, c = ids
            triple_keys.append((a * released + b) * released + c)
            triple_ids.append(len(targets) - 1)
    members = [np.flatnonzero(column_of[:released] == j) for j in range(width)]
    for j in range(width):
        absent = released + j
        singles[absent] = max(records - singles[members[j]].sum(), 0.0)
        single_ids[absent] = len(targets)
        targets.append(singles[absent])
        outside = np.flatnonzero(column_of[:released] != j)
        with_none = np.maximum(singles[outside] - pairs[np.ix_(outside, members[j])].sum(axis=1), 0.0)
        pairs[outside, absent] = pairs[absent, outside] = with_none
    for i in range(width):
        for j in range(width):
            if i != j:
                both_absent = singles[released + j] - pairs[members[i], released + j].sum()
                pairs[released + i, released + j] = max(both_absent, 0.0)
    order = np.argsort(np.array(triple_keys, dtype=np.int64))
    return ReleasedCounts(
        header=list(header),
        records=records,
        longest=min(reporting_length, _LONGEST_FITTED),
        values=[value for _, value in ordered],
        column_of=column_of,
        singles=singles,
        pairs=pairs,
        single_ids=single_ids,
        pair_ids=pair_ids,
        triple_keys=np.array(triple_keys, dtype=np.int64)[order],
        triple_ids=np.array(triple_ids, dtype=np.int64)[order],
        targets=np.array(targets, dtype=np.float64),
    )


def _propose(counts: ReleasedCounts, records: int, rng: np.random.Generator) -> npt.NDArray[np.int64]:
    """Candidate records, column by column: a value's chance is its count times its lift with every value
    the record already has (pairs only), among the values whose every pair with them was released."""
    released, width = counts.released, len(counts.header)
    total = max(float(counts.records), 1.0)
    smoothed = counts.singles + 0.5
    if counts.longest >= 2:
        lift = (
            np.log(counts.pairs + 0.5) - np.log(smoothed)[:, None] - np.log(smoothed)[None, :] + np.log(total)
        ).astype(np.float32)
        unreleased_pair = counts.pairs[:released, :released] == 0
    else:  # no pair was released: the columns are drawn independently
        lift = np.zeros((released + width, released + width), dtype=np.float32)
        unreleased_pair = np.zeros((released, released), dtype=bool)
    log_single = np.log(counts.singles + 1e-9).astype(np.float32)
    options = [
        np.append(np.flatnonzero(counts.column_of[:released] == j), released + j) for j in range(width)
    ]
    later = [np.flatnonzero(counts.column_of[:released] > j) for j in range(width)]
    chosen = np.empty((records, width), dtype=np.int64)
    for start in range(0, records, _CHUNK):
        rows = min(_CHUNK, records - start)
        affinity = np.zeros((rows, released + width), dtype=np.float32)
        barred = np.zeros((rows, released), dtype=bool)
        for j in range(width):
            logits = log_single[options[j]][None, :] + affinity[:, options[j]]
            logits[:, :-1][barred[:, options[j][:-1]]] = -np.inf
            logits += rng.gumbel(size=logits.shape).astype(np.float32)
            pick = options[j][np.argmax(logits, axis=1)]
            chosen[start : start + rows, j] = pick
            affinity += lift[pick]
            has_value = np.flatnonzero(pick < released)
            if later[j].size:
                barred[np.ix_(has_value, later[j])] |= unreleased_pair[np.ix_(pick[has_value], later[j])]
    return chosen


@dataclass
class _Cells:
    """The candidates (``rows``) holding one released combination each of one set of columns, and which
    (``ids``, into ``ReleasedCounts.targets``): disjoint cells, so one fitting step scales each exactly."""

    rows: npt.NDArray[np.int32]  # 32 bits: a wide table holds hundreds of triples per candidate
    ids: npt.NDArray[np.int32]


def _cells(
    counts: ReleasedCounts, chosen: npt.NDArray[np.int64]
) -> tuple[list[_Cells], npt.NDArray[np.float64]]:
    """Every set of 1 to 3 columns with the candidates' released combinations in it, longest first; and how
    many triples of values each candidate holds that were not released (the proposal bars unreleased
    pairs, but checking triples while drawing would cost more than the whole of pac-synth's sampling)."""
    candidates, width = chosen.shape
    released = counts.released
    has_value = chosen < released
    unreleased = np.zeros(candidates)
    cells: list[_Cells] = []
    column_triples = itertools.combinations(range(width), 3) if counts.longest >= 3 else ()
    for i, j, k in column_triples:
        all_three = np.flatnonzero(has_value[:, i] & has_value[:, j] & has_value[:, k])
        if not all_three.size:
            continue
        key = counts.triple_key(chosen[all_three, i], chosen[all_three, j], chosen[all_three, k])
        at = np.minimum(np.searchsorted(counts.triple_keys, key), max(len(counts.triple_keys) - 1, 0))
        hit = counts.triple_keys[at] == key if len(counts.triple_keys) else np.zeros(len(key), dtype=bool)
        np.add.at(unreleased, all_three[~hit], 1)
        if hit.any():
            cells.append(_Cells(all_three[hit].astype(np.int32), counts.triple_ids[at[hit]].astype(np.int32)))
    column_pairs = itertools.combinations(range(width), 2) if counts.longest >= 2 else ()
    for i, j in column_pairs:
        both = np.flatnonzero(has_value[:, i] & has_value[:, j])
        ids = counts.pair_ids[chosen[both, i], chosen[both, j]]
        if both.size:
            cells.append(_Cells(both[ids >= 0].astype(np.int32), ids[ids >= 0].astype(np.int32)))
    every = np.arange(candidates, dtype=np.int32)
    cells.extend(_Cells(every, counts.single_ids[chosen[:, j]].astype(np.int32)) for j in range(width))
    return cells, unreleased


def _fit_weights(
    counts: ReleasedCounts, cells: list[_Cells], unreleased: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Iterative proportional fitting of the candidates' weights to the noisy counts, one set of columns at
    a time, the single values last (a column's values and its "no value" partition the candidates, so
    they come out exact). A candidate starts at _UNRELEASED_TRIPLE_WEIGHT to the power of its unreleased
    triples: such records stay rare, but where no other candidate carries a released value they keep it
    in the release instead of losing it."""
    weights = _UNRELEASED_TRIPLE_WEIGHT**unreleased
    targets = np.maximum(counts.targets, 0.0)
    size = len(targets)
    for _ in range(_FITTING_ROUNDS):
        for cell in cells:
            current = np.bincount(cell.ids, weights=weights[cell.rows], minlength=size)
            ratio = np.divide(targets, current, out=np.ones(size), where=current > 0)
            weights[cell.rows] *= ratio[cell.ids]
    return weights


def sample_released_counts(counts: ReleasedCounts, rng: np.random.Generator) -> list[list[str]]:
    """``counts.records`` synthetic rows (without the header) drawn from the released counts."""
    if counts.records <= 0:
        return []
    if not counts.released:
        raise SynthesisFailed("no value passed the noise threshold")
    chosen = _propose(counts, _CANDIDATES_PER_RECORD * counts.records, rng)
    cells, unreleased = _cells(counts, chosen)
    weights = _fit_weights(counts, cells, unreleased)
    if not weights.sum() > 0:
        raise SynthesisFailed("the released counts leave no record to sample")
    # Systematic sampling along the candidates sorted by their values: every run of candidates sharing
    # their first values (and every distinct record) gets its expected number of records to within one.
    order = np.lexsort(chosen.T[::-1])
    chosen, weights = chosen[order], weights[order]
    expected = np.cumsum(weights * (counts.records / weights.sum()))
    points = rng.random() + np.arange(counts.records)
    picked = np.minimum(np.searchsorted(expected, points, side="right"), len(weights) - 1)
    names = counts.values + [""] * len(counts.header)
    return [[names[attribute] for attribute in record] for record in chosen[picked].tolist()]
