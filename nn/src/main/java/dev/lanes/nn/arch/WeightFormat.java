package dev.lanes.nn.arch;

/** How a conv or linear layer stores its weight: dense float, or packed ternary codes with a scale per tensor or per output channel. */
public enum WeightFormat { FLOAT, TERNARY_PER_TENSOR, TERNARY_PER_CHANNEL }
