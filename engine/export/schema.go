package export

import "strconv"

// Column types, as Table Schema names them.
const (
	TypeString   = "string"
	TypeInteger  = "integer"
	TypeNumber   = "number"
	TypeDatetime = "datetime"
	TypeDate     = "date"
)

// Measurement levels, as SPSS names them.
const (
	LevelNominal = "nominal"
	LevelOrdinal = "ordinal"
	LevelScale   = "scale"
)

// Category is one allowed value of a categorical column and its label.
// Value is written as the CSV holds it (an integer column's value is its
// decimal digits).
type Category struct {
	Value string
	Label string
}

// Field describes one column: everything datapackage.json, codebook.md and
// allvoice.sps say about it comes from here.
type Field struct {
	Name string
	Type string
	// Title is a short label (SPSS variable label, codebook heading).
	Title string
	// Description says what the column means and how it is computed.
	Description string
	// Missing says what an empty cell means; empty for required columns.
	Missing string
	// Categories list the allowed values with labels (value labels).
	Categories        []Category
	CategoriesOrdered bool
	Required          bool
	Unique            bool
	// Minimum and Maximum bound integer and number columns when set.
	Minimum, Maximum *float64
	// Level is the SPSS measurement level.
	Level string
}

// ForeignKey links columns to another table's key.
type ForeignKey struct {
	Fields    []string
	Resource  string
	RefFields []string
}

// Table describes one CSV file of the package.
type Table struct {
	// Name is the resource name in datapackage.json (lower case, no dots).
	Name string
	// Path is the file's path inside the zip.
	Path        string
	Title       string
	Description string
	Fields      []Field
	PrimaryKey  []string
	ForeignKeys []ForeignKey
	// RowLevel marks tables whose rows are about single members: only
	// consented members appear in them.
	RowLevel bool
	// SPSS includes the table in allvoice.sps.
	SPSS bool
}

// field returns the column named name (nil if none).
func (t *Table) field(name string) *Field {
	for i := range t.Fields {
		if t.Fields[i].Name == name {
			return &t.Fields[i]
		}
	}
	return nil
}

// intCategories labels integer values.
func intCategories(pairs ...any) []Category {
	out := make([]Category, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, Category{Value: strconv.Itoa(pairs[i].(int)), Label: pairs[i+1].(string)})
	}
	return out
}

// strCategories labels string values.
func strCategories(pairs ...string) []Category {
	out := make([]Category, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, Category{Value: pairs[i], Label: pairs[i+1]})
	}
	return out
}

func bound(v float64) *float64 { return &v }
