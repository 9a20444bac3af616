// laa fork: this file is new in the fork (see README-FORK.md).

package hdf5

import "github.com/scigolib/hdf5/internal/core"

// Shape returns the dataset's dimensions as its dataspace gives them: nil
// for a scalar or null dataspace, one length per dimension otherwise. It
// reads no data.
func (d *Dataset) Shape() ([]uint64, error) {
	header, err := core.ReadObjectHeader(d.file.osFile, d.address, d.file.sb)
	if err != nil {
		return nil, err
	}
	info, err := core.ReadDatasetInfo(header, d.file.sb)
	if err != nil {
		return nil, err
	}
	if info.Dataspace.Type != core.DataspaceSimple {
		return nil, nil
	}
	return append([]uint64(nil), info.Dataspace.Dimensions...), nil
}
