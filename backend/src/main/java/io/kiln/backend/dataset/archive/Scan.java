package io.kiln.backend.dataset.archive;

import java.util.List;
import java.util.Set;

/**
 * What the first pass over an upload found, before any judgement.
 *
 * @param classFolders every class folder named in the archive, empty ones included
 * @param hasSplitFolders true when the top level is train/val/test
 */
record Scan(
    List<Scanned> images,
    Set<String> classFolders,
    boolean hasSplitFolders,
    List<String> litter,
    List<String> notImages,
    List<String> outsideClassFolders) {}
