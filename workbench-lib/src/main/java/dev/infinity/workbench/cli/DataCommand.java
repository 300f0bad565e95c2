package dev.infinity.workbench.cli;

import dev.infinity.workbench.data.Batch;
import dev.infinity.workbench.data.ImageRoot;
import dev.infinity.workbench.data.T2IDataset;
import dev.infinity.workbench.data.toy.ToyBackground;
import dev.infinity.workbench.data.toy.ToyDataGenerator;

import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code ./workbench data toy [--out DIR] [--seed S] [--count N] [--templates 1.0,0.75] [--backgrounds black,slate] [--centred-singles]
 * [--prompts-per-tag K] [--path-prefix P]}: generate the toy set (the defaults give the committed set);
 * {@code ./workbench data scan SPLITS [--root DIR] [--strip PREFIX] [--batch B] [--load N] [--pn 0.06M | --size HxW]}: read a
 * meta folder, report templates and skipped lines, optionally load N batches and time them.
 */
final class DataCommand implements Command {
    @Override public String name() { return "data"; }

    @Override public String summary() {
        return "toy: generate the toy data set (--out --seed --count --templates --backgrounds --centred-singles); scan SPLITS: check a meta folder (--root --strip --load N --pn | --size HxW)";
    }

    @Override
    public int run(Args args) {
        String sub = args.positional(0, "toy | scan");
        return switch (sub) {
            case "toy" -> toy(args);
            case "scan" -> scan(args);
            default -> throw new Args.UsageException("unknown data subcommand '" + sub + "' (toy, scan)");
        };
    }

    private int toy(Args args) {
        Path out = Path.of(args.get("out", Workbench.home().resolve("data/infinity_toy_data").toString()));
        ToyDataGenerator g = new ToyDataGenerator().out(out).seed(args.getInt("seed", 0)).count(args.getInt("count", 1000))
                .promptsPerTag(args.getInt("prompts-per-tag", 25)).pathPrefix(args.get("path-prefix", "data/infinity_toy_data"));
        String templates = args.get("templates", null);
        if (templates != null) {
            try {
                g.templates(java.util.Arrays.stream(templates.split(",")).mapToDouble(Double::parseDouble).toArray());
            } catch (NumberFormatException e) {
                throw new Args.UsageException("--templates expects h/w ratios separated by commas, e.g. 1.0,0.75: " + templates);
            }
        }
        String backgrounds = args.get("backgrounds", null);
        if (backgrounds != null) {
            try {
                g.backgrounds(ToyBackground.parseList(backgrounds));
            } catch (IllegalArgumentException e) {
                throw new Args.UsageException("--backgrounds: " + e.getMessage());
            }
        }
        g.centredSingles(args.flag("centred-singles"));
        args.rejectUnknown();
        long t0 = System.nanoTime();
        ToyDataGenerator.Summary s = g.generate();
        System.out.printf(Locale.ROOT, "wrote %d images, %d meta files, %d prompts (%s) to %s: %.2f MB in %.1f s%n", s.images(),
                s.metaFiles().size(), s.promptCount(), s.prompts().getFileName(), out, s.bytes() / 1e6, (System.nanoTime() - t0) / 1e9);
        s.metaFiles().forEach(f -> System.out.println("  " + f.getFileName()));
        return 0;
    }

    private int scan(Args args) {
        Path splits = Path.of(args.positional(1, "SPLITS (the folder of .jsonl meta files)"));
        String rootArg = args.get("root", null);
        String strip = args.get("strip", null);
        int batch = args.getInt("batch", 2);
        int load = args.getInt("load", 0);
        String size = args.get("size", null);
        String pn = args.get("pn", "0.06M");
        args.rejectUnknown();
        T2IDataset.Builder builder = T2IDataset.builder(splits).batchSize(batch).pn(pn);
        if (rootArg != null) builder.imageRoot(new ImageRoot(Path.of(rootArg), strip == null ? "" : strip));
        if (size != null) {
            String[] hw = size.split("x");
            if (hw.length != 2 || !hw[0].matches("\\d+") || !hw[1].matches("\\d+")) throw new Args.UsageException("--size expects HxW, e.g. 256x256");
            builder.pixelSize(Integer.parseInt(hw[0]), Integer.parseInt(hw[1]));
        }
        T2IDataset ds = builder.build();
        System.out.println("images resolved against " + ds.imageRoot().root().toAbsolutePath()
                + (ds.imageRoot().stripPrefix().isEmpty() ? "" : " after removing '" + ds.imageRoot().stripPrefix() + "'"));
        for (T2IDataset.TemplateInfo t : ds.templates()) {
            System.out.printf(Locale.ROOT, "template %-7s %6d usable lines, %5d batches/epoch%n", t.template(), t.usable(), t.batchesPerEpoch());
        }
        System.out.println(ds.skipLog());
        ds.skipLog().firstReasons().forEach(r -> System.out.println("  " + r));
        if (load > 0) {
            T2IDataset.BatchStream it = ds.stream();
            long t0 = System.nanoTime();
            int images = 0;
            for (int i = 0; i < load; i++) {
                Batch b = it.next();
                images += b.size();
                if (i < 3) System.out.printf(Locale.ROOT, "batch %d: template %s, %dx%d, '%s'%n", i, b.template(), b.height(), b.width(), b.captions().get(0));
            }
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "loaded %d batches (%d images) in %.2f s: %.1f images/s; next position %s%n", load, images, s, images / s, it.position().toJson());
        }
        return 0;
    }
}
