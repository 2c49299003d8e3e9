"""Times a plain PyTorch training loop: `python -m bench.runners.torch_runner --workloads W1`.

What a PyTorch user would write for the same network: torch.nn.Sequential of Linear/ReLU,
torch.optim.Adam (lr 1e-3, eps 1e-7 as Keras), a fresh torch.randperm each epoch and index
batching (no DataLoader). The output activation is folded into the loss, as is idiomatic
(BCEWithLogitsLoss, CrossEntropyLoss); the model is the same function as the Keras one.
"""

import importlib.util
import time

from bench.runners.protocol import parse_args, run_each, skip_all, time_loop
from bench.workloads import INIT_SEED, make_data


def build(torch, workload):
    layers, fan_in = [], workload.input_dim
    for units in workload.hidden:
        layers += [torch.nn.Linear(fan_in, units), torch.nn.ReLU()]
        fan_in = units
    layers.append(torch.nn.Linear(fan_in, workload.outputs))
    loss = {"binary": torch.nn.BCEWithLogitsLoss, "multiclass": torch.nn.CrossEntropyLoss,
            "regression": torch.nn.MSELoss}[workload.task]()
    return torch.nn.Sequential(*layers), loss


def main():
    args = parse_args(__doc__)
    if importlib.util.find_spec("torch") is None:
        return skip_all(args, "torch", "torch is not installed")
    import torch

    torch.set_num_threads(args.threads)

    def measure(workload):
        torch.manual_seed(INIT_SEED)
        x_np, y_np = make_data(workload, args.quick)
        n, batch = len(x_np), workload.batch_size
        x = torch.from_numpy(x_np.reshape(n, -1))
        y = torch.from_numpy(y_np)
        if workload.task == "multiclass":
            y = y.long()
        t0 = time.perf_counter()
        model, loss_fn = build(torch, workload)
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
        build_s = time.perf_counter() - t0

        def run_epoch():
            model.train()
            order = torch.randperm(n)
            total = torch.zeros(())
            for start in range(0, n, batch):
                idx = order[start:start + batch]
                optimizer.zero_grad(set_to_none=True)
                loss = loss_fn(model(x[idx]), y[idx])
                loss.backward()
                optimizer.step()
                total += loss.detach() * len(idx)
            return total.item() / n

        result = time_loop(run_epoch, args.budget, time.perf_counter)
        result.update(samples=n, build_s=build_s, threads=torch.get_num_threads(), device="cpu",
                      version=torch.__version__)
        return result

    run_each(args, "torch", measure)


if __name__ == "__main__":
    main()
