package dev.infinity.workbench.eval;

import ai.djl.ndarray.NDManager;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

/** Reconstruction FID (rFID): the FID between reference images and their tokenizer reconstructions. */
public final class Rfid {
    public static final int BATCH = 16;

    private Rfid() {}

    /** Loads the Inception network from {@code inceptionWeights} (see {@link InceptionV3Fid#load}) and computes rFID. */
    public static double compute(List<BufferedImage> referenceImages, List<BufferedImage> reconstructedImages, Path inceptionWeights) {
        try (NDManager manager = NDManager.newBaseManager()) {
            return compute(referenceImages, reconstructedImages, InceptionV3Fid.load(manager, inceptionWeights));
        }
    }

    public static double compute(List<BufferedImage> referenceImages, List<BufferedImage> reconstructedImages, InceptionV3Fid inception) {
        if (referenceImages.size() < 2 || reconstructedImages.size() < 2) {
            throw new IllegalArgumentException("rFID needs at least 2 images per set, got " + referenceImages.size() + " and " + reconstructedImages.size());
        }
        return FrechetDistance.of(inception.features(referenceImages, BATCH), inception.features(reconstructedImages, BATCH));
    }
}
