package dev.infinity.workbench.cli;

import dev.infinity.workbench.experiment.Experiments;

import java.nio.file.Path;

/** {@code ./workbench experiment NAME [--budget small|full]}: runs (or resumes) experiments/NAME.json. */
final class ExperimentCommand implements Command {
    @Override public String name() { return "experiment"; }
    @Override public String summary() { return "run or resume experiments/NAME.json into results/NAME/ (--budget small|full)"; }

    @Override
    public int run(Args args) throws Exception {
        String name = args.positional(0, "NAME (a file in experiments/)");
        String budget = args.get("budget", "small");
        args.rejectUnknown();
        Path out = Experiments.run(Workbench.home(), name, budget);
        System.out.println("results in " + out);
        return 0;
    }
}
