// Package idata writes posterior draws as an ArviZ InferenceData: a Zarr
// (format 2) store, a folder that Python opens with
//
//	az.from_datatree(xr.open_datatree("trace.idata.zarr", engine="zarr"))
//
// with zarr 3, or az.InferenceData.from_zarr("trace.idata.zarr") with zarr 2
// and an xarray that still supports it (docs/arviz.md gives the versions,
// and says why Zarr and not JSON or netCDF).
//
// # Layout
//
// The store follows the InferenceData schema: one Zarr group per
// InferenceData group, each an xarray Dataset (dimension names in the
// "_ARRAY_DIMENSIONS" attribute of every array, as xarray writes them):
//
//   - posterior: one float64 variable per parameter, named as laa names
//     it, with dimensions (chain, draw) and its unit in the attribute
//     "units"; integer coordinates chain = 0..C-1 and draw = 0..D-1; the
//     group attribute "parameters" lists the names in laa's order (a store
//     lists its variables by name).
//   - sample_stats (when there are any): per-draw statistics on (chain,
//     draw), others on a dimension of their own (the importance weights of
//     all proposals on "proposal") or scalars.
//   - observed_data (when given): the observation on dimension "time" with
//     the coordinate time_ms for a time series (else on "<name>_dim_0"),
//     and the stimulus on the same dimension.
//
// The root and every group carry attributes: inference_library "laa",
// inference_library_version (package buildinfo), and the Data's own (model
// kind, route). Arrays are stored uncompressed in one little-endian chunk
// each, and the metadata is also consolidated in ".zmetadata", so that
// xarray opens the store without listing it.
//
// # Writing
//
// Write builds the whole store in a hidden temporary folder beside the
// destination, syncs it, and renames it into place; an existing store at
// the destination is replaced (moved aside, then removed), while any other
// existing file or folder there is refused. The same Data gives the same
// bytes.
package idata
