-- valtuus-web checks the schema's version at start, as valtuusd and valtuusctl do, and refuses
-- to serve a schema it does not know. Its login reads the version table (numbers and names
-- of migrations only) for that.
GRANT SELECT ON schema_version TO valtuus_console;
