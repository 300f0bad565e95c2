package dev.infinity.workbench.tokenizer;

import ai.djl.ndarray.NDArray;

import java.util.List;

/**
 * The result of {@link MultiScaleQuantizer#encode}: the summed quantized latent and, per scale, what the
 * residual quantizer produced.
 *
 * @param quantized       (B, d, H, W) sum of the upsampled quantized scales (STE gradient to the latent)
 * @param bits            per scale (B, h, w, d) int32
 * @param varInputs       per scale except the last: area of the running sum to the next scale (B, d, h', w')
 * @param quantizerInputs per scale: the (downsampled) residual handed to BSQ (B, d, h, w)
 * @param perScale        per scale: the BSQ result, for the training losses
 * @param schedule        the scales used
 */
public record MultiScaleCode(NDArray quantized, List<NDArray> bits, List<NDArray> varInputs,
                             List<NDArray> quantizerInputs, List<BinarySphericalQuantizer.Quantized> perScale,
                             ScaleSchedule schedule) {}
