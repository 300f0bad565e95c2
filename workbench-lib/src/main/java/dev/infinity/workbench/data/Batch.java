package dev.infinity.workbench.data;

import dev.infinity.workbench.io.HostTensor;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * One training batch: images of a single aspect template (so they share one scale schedule), each with
 * the prompt chosen for it.
 *
 * @param template the aspect template, as in the meta file name ("1.000")
 * @param hDivW    the template as a number: {@code DynamicResolution.schedule(hDivW, pn)} is the batch's scale schedule
 * @param height   pixel height of every image
 * @param width    pixel width of every image
 */
public record Batch(String template, double hDivW, int height, int width, List<Sample> samples) {
    public Batch {
        samples = List.copyOf(samples);
    }

    /**
     * One example.
     *
     * @param image  the preprocessed image, {@code height} x {@code width}
     * @param pixels the same as (3, height, width) float32 in [-1, 1]
     */
    public record Sample(DataRecord record, String caption, BufferedImage image, float[] pixels) {}

    public int size() { return samples.size(); }

    public List<String> captions() {
        return samples.stream().map(Sample::caption).toList();
    }

    /** The images stacked as (B, 3, height, width) float32 in [-1, 1]; {@code toNDArray} puts them on a device. */
    public HostTensor images() {
        int plane = 3 * height * width;
        float[] all = new float[samples.size() * plane];
        for (int i = 0; i < samples.size(); i++) System.arraycopy(samples.get(i).pixels(), 0, all, i * plane, plane);
        return HostTensor.of(all, samples.size(), 3, height, width);
    }
}
