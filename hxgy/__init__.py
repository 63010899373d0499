"""hxgy: 家校社协同育人 dashboard for primary schools."""

__version__ = "0.1.0"
