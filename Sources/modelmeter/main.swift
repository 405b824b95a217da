import ModelMeterCommands

ModelMeterCommand.main()
