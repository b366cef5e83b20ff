/** Rows of `features` values (row-major) and one integer label per row. */
export interface Split { x: Float32Array; labels: Int32Array }

/** A classification dataset: a training and a test split. */
export interface Dataset { train: Split; test: Split; features: number; classes: number }
