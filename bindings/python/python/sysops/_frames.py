"""Reports as data frames. sysops hands over each column's cells and kind; this module
builds the frame with the right dtypes. pandas and polars are optional: importing sysops
needs neither, and asking for a frame without its package raises an ImportError naming it."""

import importlib
from types import ModuleType
from typing import Any


def _need(package: str) -> ModuleType:
    try:
        return importlib.import_module(package)
    except ImportError:
        raise ImportError(
            f"to_{package}() needs the {package} package, which sysops does not install: "
            f"pip install {package}"
        ) from None


def to_pandas(columns: dict[str, list[Any]], kinds: dict[str, str]) -> Any:
    pd = _need("pandas")
    series: dict[str, Any] = {}
    for name, cells in columns.items():
        kind = kinds[name]
        if kind == "datetime":
            series[name] = pd.Series(pd.to_datetime(cells, utc=True), name=name)
        elif kind == "decimal":
            series[name] = pd.Series(cells, dtype="object", name=name)
        else:
            dtype = {"category": "category", "int": "Int64", "float": "Float64", "str": "string"}[kind]
            series[name] = pd.Series(cells, dtype=dtype, name=name)
    return pd.DataFrame(series, columns=list(columns))


def to_polars(columns: dict[str, list[Any]], kinds: dict[str, str]) -> Any:
    pl = _need("polars")
    dtypes = {
        "category": pl.Categorical,
        "int": pl.Int64,
        "float": pl.Float64,
        "str": pl.Utf8,
        "decimal": pl.Decimal(scale=2),
        "datetime": pl.Datetime("us", "UTC"),
    }
    return pl.DataFrame([pl.Series(name, cells, dtype=dtypes[kinds[name]]) for name, cells in columns.items()])
