"""Turns one run's raw timings into ratios, throughput and target checks, and renders them as
Markdown. Targets are measured and reported (PASS / MISS), never asserted.

Ratios are anchor_time / densefit_time on the median steady-state epoch, so > 1 means densefit
is faster. "vs fastest anchor" divides the fastest anchor's time by densefit's.
"""

import math

from bench.workloads import WORKLOADS

ENGINE_ORDER = ("densefit", "keras-jax", "keras-tensorflow", "torch", "sklearn")


def _steady(result):
    """The median steady-state seconds per epoch, or None when the engine did not run."""
    if not result or "median_epoch_s" not in result:
        return None
    return result["median_epoch_s"]


def _anchors(results):
    return [e for e in _ordered(results) if e != "densefit"]


def _ordered(results):
    return sorted(results, key=lambda e: (ENGINE_ORDER.index(e) if e in ENGINE_ORDER else 99, e))


def analyze(run):
    """Derived numbers: {"ratios", "vs_fastest", "first_over_steady", "throughput", "targets"}."""
    ratios, vs_fastest, first_over_steady, throughput = {}, {}, {}, {}
    ceiling = (run.get("gemm") or {}).get("gflops")
    for name, results in run["results"].items():
        dense = _steady(results.get("densefit"))
        timed = {e: _steady(r) for e, r in results.items() if _steady(r)}
        anchors = {e: t for e, t in timed.items() if e != "densefit"}
        if dense:
            ratios[name] = {e: t / dense for e, t in anchors.items()}
            first_over_steady[name] = results["densefit"]["first_epoch_s"] / dense
            if anchors:
                fastest = min(anchors, key=anchors.get)
                vs_fastest[name] = {"anchor": fastest, "ratio": anchors[fastest] / dense}
        samples = next((r["samples"] for r in results.values() if r and "samples" in r), None)
        if samples:
            flops = WORKLOADS[name].train_flops_per_epoch(samples)
            throughput[name] = {
                e: {"gflops": flops / t / 1e9,
                    "pct_of_gemm": 100 * flops / t / 1e9 / ceiling if ceiling else None}
                for e, t in timed.items()}
    analysis = {"ratios": ratios, "vs_fastest": vs_fastest,
                "first_over_steady": first_over_steady, "throughput": throughput}
    analysis["targets"] = _targets(run, analysis)
    return analysis


def _targets(run, a):
    """The issue's targets, each {"target", "measured", "goal", "status"}."""
    def ratio_to(name, anchor):
        return a["ratios"].get(name, {}).get(anchor)

    def pct(name):
        return a["throughput"].get(name, {}).get("densefit", {}).get("pct_of_gemm")

    ran = run["results"]
    if not any("densefit" in results for results in ran.values()):
        return []
    rows = [(name, label, measure, op, goal, unit) for name, label, measure, op, goal, unit in [
        ("W1", "W1 speed vs fastest anchor", a["vs_fastest"].get("W1", {}).get("ratio"), ">=", 20,
         "x"),
        ("W3", "W3 speed vs fastest anchor", a["vs_fastest"].get("W3", {}).get("ratio"), ">=", 20,
         "x"),
        ("W2", "W2 speed vs Keras-JAX", ratio_to("W2", "keras-jax"), ">=", 3.5, "x"),
        ("W4", "W4 speed vs Keras-JAX", ratio_to("W4", "keras-jax"), ">=", 2, "x"),
        ("W4", "W4 densefit GFLOP/s, % of GEMM ceiling", pct("W4"), ">=", 80, "%"),
        ("W5", "W5 densefit GFLOP/s, % of GEMM ceiling", pct("W5"), ">=", 92, "%"),
    ] if name in ran]
    rows += [(name, f"{name} densefit first epoch / steady", a["first_over_steady"].get(name),
              "<=", 1.2, "x") for name in ran]
    rows.append((None, "import densefit (s)", (run.get("import") or {}).get("import_s"), "<", 0.2,
                 "s"))
    targets = []
    for _, label, measured, op, goal, unit in rows:
        if measured is None or (isinstance(measured, float) and math.isnan(measured)):
            status = "n/a"
        else:
            ok = {">=": measured >= goal, "<=": measured <= goal, "<": measured < goal}[op]
            status = "PASS" if ok else "MISS"
        targets.append({"target": label, "measured": measured, "goal": f"{op} {goal}{unit}",
                        "unit": unit, "status": status})
    return targets


# ---- Markdown ----------------------------------------------------------------------------


def _ms(seconds):
    return "" if seconds is None else f"{seconds * 1e3:.4g}"


def _cell(result):
    """A table cell for an engine's steady epoch: ms, or why there is none."""
    if not result:
        return "–"
    if "skipped" in result:
        return "skipped"
    if "error" in result:
        return "error"
    return _ms(result["median_epoch_s"])


def _table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _engines(run):
    seen = {e for results in run["results"].values() for e in results}
    return _ordered(seen)


def markdown(run, analysis):
    engines = _engines(run)
    sections = [_header(run), _machine_section(run), _times_section(run, engines),
                _ratios_section(run, analysis, engines), _first_epoch_section(run, analysis),
                _throughput_section(run, analysis, engines), _import_section(run),
                _targets_section(analysis), _sanity_section(run, engines), _notes_section(run)]
    return "\n".join(line for section in sections for line in section).rstrip() + "\n"


def _header(run):
    machine, meta = run["machine"], run["meta"]
    out = [f"# densefit benchmark — {machine['date'][:10]} — {run['host_kind']}", ""]
    if meta["quick"]:
        out += ["> **QUICK smoke run**: tiny sample counts and 2 timed epochs. These numbers check "
                "that the harness works; they are not measurements.", ""]
    load = machine.get("load_average_start") or [0]
    if load[0] > 0.5 * machine["cores_available"]:
        out += [f"> **Machine not quiet**: 1-minute load average {load[0]} at the start on "
                f"{machine['cores_available']} cores. Engines that spin OpenMP threads (torch) "
                "suffer most; rerun when the machine is idle.", ""]
    return out + [f"Command: `{meta['command']}`", ""]


def _machine_section(run):
    return ["## Machine", "", _table(["", ""], _machine_rows(run)), ""]


def _times_section(run, engines):
    rows = []
    for name, results in run["results"].items():
        w = WORKLOADS[name]
        samples = next((r["samples"] for r in results.values() if r and "samples" in r), "")
        rows.append([f"{name} {w.title}", samples, w.batch_size]
                    + [_cell(results.get(e)) for e in engines])
    return ["## Steady-state time per epoch (median, ms)", "",
            "`fit(..., verbose=0, shuffle=True)` for the Keras-API engines, an equivalent loop "
            "for the others; float32, the same synthetic data everywhere.", "",
            _table(["workload", "samples", "batch"] + engines, rows), ""]


def _ratios_section(run, analysis, engines):
    anchors = [e for e in engines if e != "densefit"]
    if not anchors or "densefit" not in engines:
        return []
    rows = []
    for name in run["results"]:
        r = analysis["ratios"].get(name, {})
        fastest = analysis["vs_fastest"].get(name)
        rows.append([name] + [f"{r[e]:.2f}x" if e in r else "–" for e in anchors]
                    + [f"{fastest['ratio']:.2f}x ({fastest['anchor']})" if fastest else "–"])
    return ["## Speed-up of densefit (anchor time / densefit time; > 1: densefit faster)", "",
            _table(["workload"] + anchors + ["vs fastest anchor"], rows), ""]


def _first_epoch_section(run, analysis):
    rows = []
    for name, results in run["results"].items():
        d = results.get("densefit") or {}
        if "median_epoch_s" in d:
            rows.append([name, _ms(d["first_epoch_s"]), _ms(d["median_epoch_s"]),
                         f"{analysis['first_over_steady'][name]:.2f}x", _ms(d.get("build_s")),
                         d["epochs_timed"], f"{_ms(d['p25_epoch_s'])} – {_ms(d['p75_epoch_s'])}",
                         _ms(d.get("fit_call_s_per_epoch"))])
    if not rows:
        return []
    return ["## densefit first epoch vs steady state", "",
            _table(["workload", "first epoch ms", "steady ms", "first / steady",
                    "build+compile ms", "epochs timed", "steady p25 – p75 ms",
                    "whole fit(epochs=N) / N ms"], rows), ""]


def _import_section(run):
    imp = run.get("import")
    if imp is None:
        return []
    if "import_s" not in imp:
        return ["## import densefit", "", f"not measured: {imp.get('error')}", ""]
    cum = imp.get("importtime_cumulative_s")
    return ["## import densefit", "",
            f"{imp['import_s'] * 1e3:.1f} ms (median of {imp['repeats']} fresh interpreters minus "
            f"bare start-up {imp['python_startup_s'] * 1e3:.1f} ms; `-X importtime` cumulative: "
            f"{'?' if cum is None else f'{cum * 1e3:.1f} ms'})", ""]


def _targets_section(analysis):
    if not analysis["targets"]:
        return []
    rows = [[t["target"], _fmt_measured(t), t["goal"], t["status"]] for t in analysis["targets"]]
    return ["## Targets (measured, not asserted)", "",
            _table(["target", "measured", "goal", "status"], rows), ""]


def _fmt_measured(t):
    m = t["measured"]
    if m is None:
        return "–"
    return {"x": f"{m:.2f}x", "%": f"{m:.1f}%", "s": f"{m:.3f} s"}[t["unit"]]


def _machine_rows(run):
    m, gemm = run["machine"], run.get("gemm") or {}
    versions = ", ".join(f"{k} {v}" for k, v in m["versions"].items() if v)
    missing = ", ".join(k for k, v in m["versions"].items() if not v)
    dense = next((r for results in run["results"].values()
                  for e, r in results.items() if e == "densefit" and r and "version" in r), {})
    rows = [
        ["CPU", f"{m['cpu_model']} ({', '.join(m['cpu_flags'])})"],
        ["cores", f"{m['cores_available']} available of {m['cpu_count']}; every engine may use "
                  f"{run['meta']['threads']} threads"],
        ["memory", f"{m['memory_gib']} GiB"],
        ["GPUs", ", ".join(m["gpus"]) or "none"],
        ["OS / Python", f"{m['os']} / {m['python']}"],
        ["load average (1/5/15 min)", f"start {m['load_average_start']}, "
                                      f"end {m.get('load_average_end')}"],
        ["densefit", f"{dense.get('version', '?')} at commit {m['densefit_commit']}, "
                     f"device {dense.get('device', '?')}, BLAS loaded: "
                     f"{dense.get('blas_loaded', '?')}"],
        ["libraries", versions],
        ["not installed", missing or "–"],
    ]
    if "gflops" in gemm:
        both = " / ".join("?" if g is None else f"{g:.1f}" for g in gemm.get("all_gflops", []))
        rows.append(["float32 GEMM ceiling", f"{gemm['gflops']:.1f} GFLOP/s (NumPy matmul "
                     f"{gemm['size']}², best of {gemm['repeats']}, {gemm['blas']}; before / after "
                     f"the workloads: {both})"])
    else:
        rows.append(["float32 GEMM ceiling", f"not measured: {gemm.get('error', 'skipped')}"])
    return rows


def _throughput_section(run, analysis, engines):
    names = [n for n in ("W2", "W4", "W5") if n in analysis["throughput"]]
    if not names:
        return []
    out = ["## Throughput (training GFLOP/s = 6 · samples · Σ fan_in·fan_out / epoch time; "
           "% of the GEMM ceiling)", ""]
    rows = []
    for name in names:
        tp = analysis["throughput"][name]
        cells = []
        for e in engines:
            if e not in tp:
                cells.append("–")
            elif tp[e]["pct_of_gemm"] is None:
                cells.append(f"{tp[e]['gflops']:.1f}")
            else:
                cells.append(f"{tp[e]['gflops']:.1f} ({tp[e]['pct_of_gemm']:.0f}%)")
        rows.append([name] + cells)
    return out + [_table(["workload"] + engines, rows), ""]


def _sanity_section(run, engines):
    """Loss of the first epoch -> loss of the last: a fast engine must also be training."""
    out = ["## Training sanity (loss after first epoch → after last timed epoch)", "",
           "scikit-learn reports half the MSE for regression; losses are not meant to match "
           "across engines (different initialisers), only to fall.", ""]
    rows = []
    for name, results in run["results"].items():
        cells = []
        for e in engines:
            r = results.get(e) or {}
            if "loss_last" in r:
                flag = "" if r["loss_last"] < r["loss_first"] else " ⚠"
                cells.append(f"{r['loss_first']:.3g} → {r['loss_last']:.3g}{flag}")
            else:
                cells.append("–")
        rows.append([name] + cells)
    return out + [_table(["workload"] + engines, rows), ""]


def _notes_section(run):
    """Why an engine has no number, one line per engine and reason."""
    reasons = {}
    for name, results in run["results"].items():
        for e in _ordered(results):
            r = results[e] or {}
            if "skipped" in r:
                reasons.setdefault((e, "skipped", r["skipped"]), []).append(name)
            elif "error" in r:
                reasons.setdefault((e, "**error**", r["error"]), []).append(name)
    notes = [f"- {e} {kind} on {', '.join(names)}: {reason}"
             for (e, kind, reason), names in reasons.items()]
    return ["## Notes", ""] + notes + [""] if notes else []
