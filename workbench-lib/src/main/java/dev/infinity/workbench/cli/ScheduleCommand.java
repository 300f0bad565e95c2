package dev.infinity.workbench.cli;

import dev.infinity.workbench.tokenizer.DynamicResolution;

import java.util.Locale;

/** {@code ./workbench schedule}: the template, pixel size and scale schedule of an aspect ratio and pixel budget. */
final class ScheduleCommand implements Command {
    @Override public String name() { return "schedule"; }
    @Override public String summary() { return "template, pixel size and scales for --h-div-w 1.0 --pn 0.06M (dynamic-resolution table)"; }

    @Override
    public int run(Args args) {
        double hDivW = args.getDouble("h-div-w", 1.0);
        String pn = args.get("pn", "0.06M");
        args.rejectUnknown();
        DynamicResolution.Entry e = DynamicResolution.forAspect(hDivW, pn);
        System.out.printf(Locale.ROOT, "h/w %.4f -> template %s, %s: %dx%d pixels, %d scales, %d tokens%n",
                hDivW, e.hDivW(), pn, e.pixelH(), e.pixelW(), e.scales().size(), e.seqLen());
        System.out.println("scales (h x w): " + e.scales());
        return 0;
    }
}
