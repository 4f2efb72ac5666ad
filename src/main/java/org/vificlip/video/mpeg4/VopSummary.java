package org.vificlip.video.mpeg4;

/**
 * One video object plane found in a container chunk by {@link Mpeg4Decoder#scan}: its coding type
 * ('I', 'P', 'B' or 'S'; '?' when the header is unreadable) and whether it carries a picture
 * ({@code coded == false} for N-VOPs).
 */
public record VopSummary(char type, boolean coded) {
}
