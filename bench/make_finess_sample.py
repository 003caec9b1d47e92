"""Generate synthetic FINESS / Annuaire Santé extraction files (see kiosque/directory/samples.py).

.venv/bin/python bench/make_finess_sample.py                 # rewrite the shipped samples
.venv/bin/python bench/make_finess_sample.py --count 100000 --output /tmp/finess_100k.csv
"""

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kiosque.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=None, help="number of FINESS sites")
    parser.add_argument("--output", help="FINESS file to write (default: the shipped samples)")
    parser.add_argument("--seed", type=int, default=37)
    parser.add_argument("--regional", action="store_true", help="Centre-Val de Loire only")
    args = parser.parse_args()

    import django

    django.setup()
    from kiosque.directory import samples

    if args.output is None:
        sites, rows = samples.write_shipped_samples()
        print(f"{samples.FINESS_SAMPLE}: {sites} sites")
        print(f"{samples.ANNUAIRE_SAMPLE}: {rows} rows")
        return
    count = samples.write_finess_file(
        args.output, args.count or 100_000, args.seed, national=not args.regional
    )
    print(f"{args.output}: {count} sites")


if __name__ == "__main__":
    main()
