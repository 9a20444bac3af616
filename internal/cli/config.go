package cli

import (
	"fmt"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"
)

func (e *env) configCmd() *cobra.Command {
	var cfgPath string
	cmd := &cobra.Command{
		Use:   "config [--config file]",
		Short: "Print the configuration (the embedded default, or a file's, validated) as YAML",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(cfgPath)
			if err != nil {
				return err
			}
			b, err := yaml.Marshal(cfg)
			if err != nil {
				return fmt.Errorf("config: %w", err)
			}
			_, err = e.stdout.Write(b)
			return err
		},
	}
	cmd.Flags().StringVar(&cfgPath, "config", "", "configuration file to check and print")
	return cmd
}
