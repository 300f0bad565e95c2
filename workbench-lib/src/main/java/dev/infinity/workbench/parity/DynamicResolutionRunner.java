package dev.infinity.workbench.parity;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.infinity.workbench.tokenizer.DynamicResolution;
import dev.infinity.workbench.tokenizer.ScaleSchedule;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code dynamic_resolution}: every entry of the case's table file against {@link DynamicResolution}: templates,
 * t values, the 15 x 4 transformer entries (pixel size, stored and inference scales, sequence length), template
 * lookup, the VAE table and latent map, and {@code get_latent2scale_schedule} in every mode the file lists.
 */
public final class DynamicResolutionRunner implements CaseRunner {
    @Override
    public String kind() { return "dynamic_resolution"; }

    @Override
    public void run(GoldenCase golden, CaseReport report) throws IOException {
        Path file = golden.resolve(golden.json().getAsJsonObject("files").get("table").getAsString());
        JsonObject root = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        transformerTables(root.getAsJsonObject("infinity_utils_dynamic_resolution"), report);
        vaeTables(root.getAsJsonObject("bsq_vae_dynamic_resolution"), report);
        latentSchedules(root.getAsJsonObject("get_latent2scale_schedule"), report);
    }

    private static void transformerTables(JsonObject t, CaseReport report) {
        List<String> bad = new ArrayList<>();
        expect(bad, "vae_stride", DynamicResolution.VAE_STRIDE, t.get("vae_stride").getAsInt());
        expect(bad, "predefined_t", DynamicResolution.PREDEFINED_T, ints(t.getAsJsonArray("predefined_t")));
        List<Double> templates = new ArrayList<>();
        for (JsonElement e : t.getAsJsonArray("h_div_w_templates")) templates.add(e.getAsDouble());
        expect(bad, "h_div_w_templates", DynamicResolution.templates(), templates);
        List<String> budgets = new ArrayList<>();
        for (JsonElement e : t.getAsJsonArray("pn_values")) budgets.add(e.getAsString());
        expect(bad, "pn_values", DynamicResolution.PIXEL_BUDGETS, budgets);
        report.add(fact("templates, t, budgets", bad));

        bad = new ArrayList<>();
        JsonArray entries = t.getAsJsonArray("entries");
        expect(bad, "entry count", DynamicResolution.entries().size(), entries.size());
        for (JsonElement el : entries) {
            JsonObject e = el.getAsJsonObject();
            String where = e.get("h_div_w_template").getAsDouble() + "/" + e.get("pn").getAsString();
            try {
                DynamicResolution.Entry got = DynamicResolution.entry(e.get("h_div_w_template").getAsDouble(), e.get("pn").getAsString());
                expect(bad, where + " pixel_hw", List.of(got.pixelH(), got.pixelW()), ints(e.getAsJsonArray("pixel_hw")));
                List<List<Integer>> stored = new ArrayList<>();
                for (int i = 0; i < got.scales().size(); i++) {
                    stored.add(List.of(got.t().get(i), got.scales().get(i).h(), got.scales().get(i).w()));
                }
                expect(bad, where + " scales_as_stored", stored, nested(e.getAsJsonArray("scales_as_stored")));
                expect(bad, where + " scales_for_inference", triples(got.scales()), nested(e.getAsJsonArray("scales_for_inference")));
                expect(bad, where + " seq_len", got.seqLen(), e.get("seq_len_for_inference").getAsInt());
            } catch (IllegalArgumentException ex) {
                bad.add(where + ": " + ex.getMessage());
            }
        }
        report.add(fact("transformer table (" + entries.size() + " entries)", bad));

        bad = new ArrayList<>();
        for (double template : templates) expect(bad, "nearest(" + template + ")", template, DynamicResolution.nearestTemplate(template));
        report.add(fact("template lookup", bad));
    }

    private static void vaeTables(JsonObject v, CaseReport report) {
        List<String> bad = new ArrayList<>();
        JsonArray entries = v.getAsJsonArray("entries");
        List<DynamicResolution.VaeEntry> got = DynamicResolution.vaeEntries();
        expect(bad, "entry count", got.size(), entries.size());
        for (int i = 0; i < Math.min(got.size(), entries.size()); i++) {
            JsonObject e = entries.get(i).getAsJsonObject();
            DynamicResolution.VaeEntry g = got.get(i);
            String where = "#" + i + " " + e.get("h_div_w").getAsDouble() + "/" + e.get("pixel_w_key").getAsInt();
            expect(bad, where + " h_div_w", g.hDivW(), e.get("h_div_w").getAsDouble());
            expect(bad, where + " pixel_w_key", g.pixelWKey(), e.get("pixel_w_key").getAsInt());
            expect(bad, where + " pixel_hw", List.of(g.pixelH(), g.pixelW()), ints(e.getAsJsonArray("pixel_hw")));
            expect(bad, where + " scales_hw", pairs(g.scales()), nested(e.getAsJsonArray("scales_hw")));
        }
        report.add(fact("VAE table (" + entries.size() + " entries)", bad));

        bad = new ArrayList<>();
        JsonArray map = v.getAsJsonArray("predefined_HW_Scales_dynamic");
        List<Map.Entry<ScaleSchedule.Scale, ScaleSchedule>> gotMap = new ArrayList<>(DynamicResolution.vaeDynamicSchedules().entrySet());
        expect(bad, "entry count", gotMap.size(), map.size());
        for (int i = 0; i < Math.min(gotMap.size(), map.size()); i++) {
            JsonObject e = map.get(i).getAsJsonObject();
            ScaleSchedule.Scale k = gotMap.get(i).getKey();
            expect(bad, "#" + i + " latent_hw", List.of(k.h(), k.w()), ints(e.getAsJsonArray("latent_hw")));
            expect(bad, "#" + i + " scales_hw", pairs(gotMap.get(i).getValue()), nested(e.getAsJsonArray("scales_hw")));
        }
        report.add(fact("VAE latent -> schedule map (" + map.size() + " entries)", bad));
    }

    private static void latentSchedules(JsonObject g, CaseReport report) {
        for (Map.Entry<String, JsonElement> modeEntry : g.entrySet()) {
            if (!modeEntry.getValue().isJsonObject()) continue;            // "module", "note"
            String key = modeEntry.getKey();                                // e.g. original_mode_T1
            String mode = key.substring(0, key.indexOf("_mode_"));
            int t = Integer.parseInt(key.substring(key.indexOf("_mode_T") + 7));
            List<String> bad = new ArrayList<>();
            for (Map.Entry<String, JsonElement> e : modeEntry.getValue().getAsJsonObject().entrySet()) {
                String[] hw = e.getKey().split("x");
                try {
                    int[][] got = DynamicResolution.latentScheduleThw(t, Integer.parseInt(hw[0]), Integer.parseInt(hw[1]), mode);
                    List<List<Integer>> gl = new ArrayList<>();
                    for (int[] r : got) gl.add(Arrays.stream(r).boxed().toList());
                    expect(bad, e.getKey(), gl, nested(e.getValue().getAsJsonArray()));
                } catch (IllegalArgumentException ex) {
                    bad.add(e.getKey() + ": " + ex.getMessage());
                }
            }
            report.add(fact("get_latent2scale_schedule " + key, bad));
        }
    }

    private static Tolerance.Check fact(String name, List<String> bad) {
        return Tolerance.Check.fact(name, bad.isEmpty(), bad.isEmpty() ? "" : bad.size() + " mismatches, first: " + bad.get(0));
    }

    private static void expect(List<String> bad, String what, Object got, Object want) {
        if (!got.equals(want)) bad.add(what + ": got " + got + ", want " + want);
    }

    private static List<Integer> ints(JsonArray a) {
        List<Integer> out = new ArrayList<>();
        for (JsonElement e : a) out.add(e.getAsInt());
        return out;
    }

    private static List<List<Integer>> nested(JsonArray a) {
        List<List<Integer>> out = new ArrayList<>();
        for (JsonElement e : a) out.add(ints(e.getAsJsonArray()));
        return out;
    }

    private static List<List<Integer>> pairs(ScaleSchedule s) {
        List<List<Integer>> out = new ArrayList<>();
        for (ScaleSchedule.Scale sc : s) out.add(List.of(sc.h(), sc.w()));
        return out;
    }

    private static List<List<Integer>> triples(ScaleSchedule s) {
        List<List<Integer>> out = new ArrayList<>();
        for (ScaleSchedule.Scale sc : s) out.add(List.of(1, sc.h(), sc.w()));
        return out;
    }
}
