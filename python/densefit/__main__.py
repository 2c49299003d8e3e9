"""Command line: `python -m densefit demo [--epochs N] [--verbose 0|1|2]`."""

import argparse


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m densefit")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="train the three seed examples")
    demo.add_argument("--epochs", type=int, default=10)
    demo.add_argument("--verbose", default="auto", choices=["auto", "0", "1", "2"])
    args = parser.parse_args(argv)
    if args.command == "demo":
        from densefit.demo import main as run_demo

        run_demo(epochs=args.epochs,
                 verbose=args.verbose if args.verbose == "auto" else int(args.verbose))


if __name__ == "__main__":
    main()
