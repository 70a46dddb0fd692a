package io.ucsync.state;

/**
 * The epoch a node took a partition over with ({@link PartitionEpochs#raise}): a write of the partition's workers'
 * facts carries it, and the store refuses it once another node has taken the partition over since.
 */
public record Fence(int partition, long epoch) {}
