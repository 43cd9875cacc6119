package kit

import "fmt"

// SelectError explains why pkg, a package that selects the driver name for
// dtm in its init (a driver's use package), could not select it: dtm keeps
// one driver per process, and selected, the name dtmdriver.GetDriver()
// reports, got there first. err is dtmdriver.Use's error. The use packages
// panic with it, since an init cannot return an error.
func SelectError(pkg, name, selected string, err error) error {
	if selected == "" || selected == "default" || selected == name {
		return fmt.Errorf("%s: select %s for dtm: %w", pkg, name, err)
	}
	return fmt.Errorf("%s: cannot select %s for dtm: %s is already selected in this process, "+
		"and dtm uses one driver per process (%w). Select one driver only: blank-import a single "+
		"github.com/dtmkit/drivers/driver-*/use package, no upstream github.com/dtm-labs/driver-* package "+
		"beside it, and call dtmgrpc.UseDriver only with that driver's name", pkg, name, selected, err)
}
